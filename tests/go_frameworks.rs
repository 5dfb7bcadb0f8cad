//! The Go table is checked against the real frameworks: every call of
//! `data/apis/go.toml` that has a `probe` runs inside a handler of its framework under
//! `httptest`, in one generated Go program, and the code and headers sent must be what the
//! table says (`code`, or `expect`; `adds`; Location for redirects). So are the table's
//! `facts` and the value of every `StatusX` constant. Go and Debian's gin and echo come from
//! `scripts/install-go-frameworks.sh`, built in GOPATH mode against /usr/share/gocode (or
//! `$STATUSLINT_GOPATH`) with no network. Without them the test is skipped with a message,
//! and fails under CI (`CI=true`). Fiber and go-chi/render are not packaged: their entries
//! cite the documentation instead, and the table test in the crate checks that each does.

mod workflow_support;
use workflow_support::missing_tool;

use serde_json::Value;
use statuslint::extract::code::go::table::{CallKind, GO_APIS};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

fn gopath() -> Option<PathBuf> {
    let path = std::env::var_os("STATUSLINT_GOPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/gocode"));
    let has_go = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    let has_gin = path.join("src/github.com/gin-gonic/gin").is_dir();
    if has_go && has_gin {
        return Some(path);
    }
    missing_tool(&format!(
        "no Go or no gin at {}: run `bash scripts/install-go-frameworks.sh` first",
        path.display()
    ));
    None
}

/// One block of the program: `probe` in a handler of `framework`, reported as `id`.
fn block(out: &mut String, id: &str, framework: &str, probe: &str) {
    let serve = match framework {
        "nethttp" => format!(
            "http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {{ {probe} }}).ServeHTTP(rec, req)"
        ),
        "gin" => format!(
            "e := gin.New(); e.SetHTMLTemplate(template.Must(template.New(\"page\").Parse(\"<p>page</p>\")))\n\
             e.GET(\"/\", func(c *gin.Context) {{ {probe} }}); e.ServeHTTP(rec, req)"
        ),
        "echo" => format!(
            "e := echo.New(); e.GET(\"/\", func(c echo.Context) error {{ {probe} }}); e.ServeHTTP(rec, req)"
        ),
        other => panic!("{id}: no handler template for {other}"),
    };
    writeln!(
        out,
        "\t{{\n\t\trec := httptest.NewRecorder(); req := httptest.NewRequest(\"GET\", \"/\", nil)\n\t\t{serve}\n\t\treport({id:?}, rec)\n\t}}"
    )
    .unwrap();
}

fn program() -> String {
    let mut out = String::from(
        r#"package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo"
)

var _ = errors.New

func report(id string, rec *httptest.ResponseRecorder) {
	headers := []string{}
	for k := range rec.Header() {
		headers = append(headers, strings.ToLower(k))
	}
	b, _ := json.Marshal(map[string]interface{}{"id": id, "status": rec.Code, "headers": headers})
	fmt.Println(string(b))
}

func main() {
	gin.SetMode(gin.ReleaseMode)
"#,
    );
    for (i, call) in GO_APIS.calls.iter().enumerate() {
        if let Some(probe) = &call.probe {
            block(&mut out, &format!("call {i}"), &call.framework, probe);
        }
    }
    for (i, fact) in GO_APIS.facts.iter().enumerate() {
        block(&mut out, &format!("fact {i}"), &fact.framework, &fact.probe);
    }
    for name in GO_APIS.status_names.keys() {
        writeln!(
            out,
            "\tfmt.Printf(\"{{\\\"constant\\\": %q, \\\"value\\\": %d}}\\n\", {name:?}, http.{name})"
        )
        .unwrap();
    }
    out.push_str("}\n");
    out
}

#[test]
fn every_go_api_sends_what_the_table_says() {
    let Some(gopath) = gopath() else { return };
    let dir = tempfile::tempdir().expect("a temp dir");
    let main = dir.path().join("main.go");
    std::fs::write(&main, program()).unwrap();
    let cache = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/go-cache");
    let output = Command::new("go")
        .arg("run")
        .arg(&main)
        .env("GO111MODULE", "off")
        .env("GOPATH", &gopath)
        .env("GOCACHE", &cache)
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .output()
        .expect("go runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the probe program failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let mut problems = Vec::new();
    let mut constants = 0;
    let mut probed = 0;
    for row in &rows {
        if let Some(name) = row["constant"].as_str() {
            constants += 1;
            let want = GO_APIS.status_names[name];
            if row["value"].as_u64() != Some(u64::from(want)) {
                problems.push(format!(
                    "http.{name} is {}, the table says {want}",
                    row["value"]
                ));
            }
            continue;
        }
        probed += 1;
        let id = row["id"].as_str().unwrap();
        let status = row["status"].as_u64().unwrap() as u32;
        let headers: Vec<&str> = row["headers"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let (index, is_fact) = match id.split_once(' ') {
            Some(("call", i)) => (i.parse::<usize>().unwrap(), false),
            Some(("fact", i)) => (i.parse::<usize>().unwrap(), true),
            _ => panic!("unexpected row {row}"),
        };
        if is_fact {
            let fact = &GO_APIS.facts[index];
            if status != fact.expect {
                problems.push(format!("fact does not hold ({status}): {}", fact.fact));
            }
            continue;
        }
        let call = &GO_APIS.calls[index];
        let name = format!("{} ({})", call.call, call.framework);
        let want = call.expect.or(call.code).expect("a probed call has a code");
        if status != want {
            problems.push(format!("{name}: sent {status}, the table says {want}"));
        }
        for header in &call.adds {
            if !headers.contains(&header.as_str()) {
                problems.push(format!("{name}: does not add {header} ({headers:?})"));
            }
        }
        if call.kind == CallKind::Redirect && !headers.contains(&"location") {
            problems.push(format!("{name}: a redirect without Location"));
        }
    }
    let wanted = GO_APIS.calls.iter().filter(|c| c.probe.is_some()).count() + GO_APIS.facts.len();
    assert_eq!(probed, wanted, "every probe reports once");
    assert_eq!(constants, GO_APIS.status_names.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
