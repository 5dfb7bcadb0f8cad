-- Run by tests/editor_neovim.rs inside a headless Neovim: opens a file, attaches Neovim's
-- built-in LSP client to `statuslint server`, waits for the diagnostics, asks for a hover,
-- and writes what the editor received as JSON. Written for Neovim 0.7 (Debian's package),
-- whose API is `vim.lsp.start_client` + `buf_attach_client`.
local bin = os.getenv("STATUSLINT_BIN")
local file = os.getenv("STATUSLINT_FILE")
local out = os.getenv("STATUSLINT_OUT")
local hover_line = tonumber(os.getenv("STATUSLINT_HOVER_LINE"))
local hover_character = tonumber(os.getenv("STATUSLINT_HOVER_CHARACTER"))

local function finish(result)
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qa!")
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "statuslint",
  cmd = { bin, "server" },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
})
if not client_id or not vim.lsp.buf_attach_client(buf, client_id) then
  finish({ error = "the client did not start or attach" })
  return
end

local received = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)

local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(diagnostics, {
    line = d.lnum,
    character = d.col,
    code = d.code or lsp.code,
    severity = d.severity,
    source = d.source,
    message = d.message,
  })
end

local hover = vim.NIL
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = hover_line, character = hover_character },
}
local responses = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000)
for _, response in pairs(responses or {}) do
  if response.result and response.result.contents then
    hover = response.result.contents.value
  end
end

finish({
  received = received,
  diagnostics = diagnostics,
  hover = hover,
})
