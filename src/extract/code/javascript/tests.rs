use super::*;
use crate::usage::Method;

fn facts_in(name: &str, src: &str) -> FileFacts {
    extract(Path::new(name), src)
}

fn codes(f: &FileFacts) -> Vec<u32> {
    f.usages.iter().map(|u| u.code.exact().unwrap()).collect()
}

#[test]
fn express_chains_redirects_and_routes() {
    let f = facts_in(
        "routes.js",
        r#"const express = require('express');
const router = express.Router();

router.post('/login', async (req, res) => {
  if (!req.body.token) {
    return res.status(403).json({ error: 'missing token' });
  }
  res.redirect('/home');
});

router.route('/items/:id').delete(items.remove);

function remove(req, res) {
  res.set('Allow', 'GET').status(405).end();
}
module.exports = router;
"#,
    );
    assert_eq!(codes(&f), [403, 302, 405], "{:?}", f.usages);
    let forbidden = &f.usages[0];
    assert_eq!(forbidden.methods.as_deref(), Some(&[Method::Post][..]));
    assert!(forbidden.headers.complete);
    assert_eq!(forbidden.body, Body::Present);
    assert!(
        forbidden
            .evidence
            .texts
            .iter()
            .any(|(s, t)| *s == TextSource::Message && t.contains("missing token"))
    );
    let redirect = &f.usages[1];
    assert!(redirect.implicit);
    assert_eq!(redirect.target.as_ref().unwrap().text, "/home");
    let not_allowed = &f.usages[2];
    assert!(not_allowed.headers.complete && not_allowed.headers.has("allow"));
    assert_eq!(not_allowed.body, Body::Absent);
    assert_eq!(f.routes[0].handler, "remove");
    assert_eq!(f.routes[0].methods, [Method::Delete]);
    assert_eq!(f.routes[0].path.as_deref(), Some("/items/:id"));
}

#[test]
fn koa_fastify_hono_writers() {
    let koa = facts_in(
        "app.js",
        r#"import Koa from 'koa';
const app = new Koa();
app.use(async (ctx, next) => {
  if (!ctx.state.user) ctx.throw(401, 'sign in first');
  ctx.status = 301;
  ctx.redirect('/new');
});
"#,
    );
    assert_eq!(codes(&koa), [401, 301], "{:?}", koa.usages);
    let fastify = facts_in(
        "server.ts",
        r#"import Fastify, { FastifyReply } from 'fastify';
fastify.post('/users', async (request, reply) => {
  return reply.code(201).send({ id: 1 });
});
fastify.get('/old', async (request, reply) => reply.redirect('/new', 301));
"#,
    );
    assert_eq!(codes(&fastify), [201, 301], "{:?}", fastify.usages);
    assert_eq!(
        fastify.usages[0].methods.as_deref(),
        Some(&[Method::Post][..])
    );
    let hono = facts_in(
        "index.ts",
        r#"import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
const app = new Hono();
app.post('/posts', async (c) => {
  if (!c.req.header('Authorization')) throw new HTTPException(401, { message: 'no token' });
  return c.json({ ok: true }, 201);
});
app.get('/a', (c) => c.redirect('/b'));
"#,
    );
    assert_eq!(codes(&hono), [401, 201, 302], "{:?}", hono.usages);
}

#[test]
fn fetch_next_nest_sveltekit_remix() {
    let next = facts_in(
        "app/api/login/route.ts",
        r#"import { NextResponse } from 'next/server';
import { redirect } from 'next/navigation';
export async function POST(request: Request) {
  if (!ok) return NextResponse.json({ error: 'bad' }, { status: 400 });
  return NextResponse.redirect(new URL('/home', request.url));
}
export function GET() {
  redirect('/x');
  return new Response('Not found', { status: 404 });
}
"#,
    );
    assert_eq!(codes(&next), [400, 307, 307, 404], "{:?}", next.usages);
    assert_eq!(next.usages[1].methods.as_deref(), Some(&[Method::Post][..]));
    let nest = facts_in(
        "users.controller.ts",
        r#"import { Controller, Post, HttpCode, UnauthorizedException, Redirect } from '@nestjs/common';
@Controller('users')
export class UsersController {
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto) {
    if (!body.password) throw new UnauthorizedException('wrong password');
  }
  @Get('docs')
  @Redirect('https://docs.example.com', 301)
  docs() {}
}
"#,
    );
    assert_eq!(codes(&nest), [200, 401, 301], "{:?}", nest.usages);
    assert_eq!(nest.usages[0].methods.as_deref(), Some(&[Method::Post][..]));
    let kit = facts_in(
        "+page.server.js",
        r#"import { redirect, fail } from '@sveltejs/kit';
export const actions = {
  default: async ({ request }) => {
    if (!email) return fail(400, { missing: true });
    redirect(303, '/done');
  }
};
"#,
    );
    assert_eq!(codes(&kit), [400, 303], "{:?}", kit.usages);
    assert_eq!(kit.usages[1].methods.as_deref(), Some(&[Method::Post][..]));
    let remix = facts_in(
        "app/routes/login.tsx",
        r#"import { redirect } from '@remix-run/node';
export async function action({ request }) {
  return redirect('/dashboard', { status: 301 });
}
export default function Login() { return <form method="post"><button>Go</button></form>; }
"#,
    );
    assert_eq!(codes(&remix), [301], "{:?}", remix.usages);
}

#[test]
fn helpers_constants_and_silence() {
    let f = facts_in(
        "controller.js",
        r#"import { StatusCodes } from 'http-status-codes';
exports.show = async (req, res) => {
  if (!user) return sendError(res, 404, 'no such user');
  res.status(StatusCodes.OK).json(user);
  res.status(201).json(user);
};
"#,
    );
    assert_eq!(codes(&f), [404, 200, 201], "{:?}", f.usages);
    assert_eq!(f.usages[0].handler.as_deref(), Some("show"));
    assert!(!f.usages[0].headers.complete);
    assert_eq!(
        f.usages[2].named_alternative.as_deref(),
        Some("StatusCodes.CREATED")
    );
    // Without a constants module a bare number has no alternative; a client is no writer.
    let g = facts_in(
        "client.js",
        r#"axios.post('/login', body).then((response) => response.data);
export function handler(req, res) { res.status(404).send('gone'); }
const r = await fetch(url); if (r.status === 404) {}
"#,
    );
    assert_eq!(codes(&g), [404]);
    assert!(g.usages[0].named_alternative.is_none());
    assert!(g.routes.is_empty());
}

#[test]
fn bad_input_is_noted_not_read() {
    let long = format!("var a = '{}';", "x".repeat(5000));
    let f = facts_in("vendor.js", &long);
    assert!(f.notes[0].contains("longer than"), "{:?}", f.notes);
    let f = facts_in("app.test.js", "res.status(500).send('x')");
    assert!(f.usages.is_empty() && f.notes.is_empty());
    let f = facts_in(
        "broken.js",
        "app.get('/x', (req, res) => { res.status(404).send( }\n",
    );
    assert!(f.partly_read.is_some());
    let deep = format!("{}{}", "(".repeat(3000), ")".repeat(3000));
    let _ = facts_in("deep.js", &deep);
}

#[test]
fn syntax_errors_in_styles_are_not_a_partial_read() {
    // TypeScript's grammar cannot read type arguments on a tagged template (outline's
    // components): the styles choose no status, so the file is not said to be read in part.
    let styled = r#"import styled from "styled-components";
const StyledError = styled(ImageError)<{
  animation: Animation | null;
  $canReply?: boolean;
}>`
  ${(props) => props.$error && "color: red;"}
`;
export function load(res) {
  return res.status(404).end();
}
"#;
    let f = facts_in("Lightbox.tsx", styled);
    assert!(f.partly_read.is_none(), "{:?}", f.notes);
    assert_eq!(codes(&f), [404]);

    // An error made in the unread part may choose a status: that is said.
    let made = format!("{styled}export function fail(next) {{ next(new BadRequestError(; }}\n");
    let f = facts_in("Lightbox.tsx", &made);
    assert!(f.partly_read.is_some(), "{:?}", f.notes);
}
