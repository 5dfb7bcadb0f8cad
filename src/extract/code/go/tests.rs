use super::*;
use crate::usage::Method;

fn facts(src: &str) -> FileFacts {
    extract(Path::new("server.go"), src)
}

fn codes(f: &FileFacts) -> Vec<u32> {
    f.usages.iter().map(|u| u.code.exact().unwrap()).collect()
}

#[test]
fn net_http_writers_errors_and_redirects() {
    let f = facts(
        r#"package main

import "net/http"

func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.WriteHeader(204)
	w.Write([]byte("done"))
}

func old(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "https://example.com"+r.URL.Path, http.StatusFound)
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /items/{id}", srv.handleItem)
	http.Handle("/old", http.RedirectHandler("/new", 301))
}
"#,
    );
    assert_eq!(codes(&f), [405, 204, 302, 301], "{:?}", f.usages);
    let not_allowed = &f.usages[0];
    assert!(not_allowed.headers.complete && not_allowed.headers.has("allow"));
    let no_content = &f.usages[1];
    assert_eq!(no_content.body, Body::Present);
    assert_eq!(no_content.methods.as_deref(), Some(&[Method::Post][..]));
    assert_eq!(
        no_content.named_alternative.as_deref(),
        Some("http.StatusNoContent")
    );
    assert!(no_content.code_token.is_some());
    assert_eq!(no_content.handler.as_deref(), Some("handleItem"));
    let redirect = &f.usages[2];
    assert!(redirect.target.as_ref().unwrap().keeps_path);
    assert_eq!(f.routes[0].handler, "handleItem");
    assert_eq!(f.routes[0].methods, [Method::Delete]);
}

#[test]
fn gin_echo_and_fiber_on_their_writers() {
    let f = facts(
        r#"package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	"github.com/gofiber/fiber/v2"
)

func routes(r *gin.Engine) {
	v1 := r.Group("/v1")
	v1.POST("/login", func(c *gin.Context) {
		var req Login
		if err := c.ShouldBindJSON(&req); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		c.Redirect(302, "/home")
	})
}

func show(c echo.Context) error {
	return echo.NewHTTPError(http.StatusNotFound, "no such item")
}

func legacy(c *fiber.Ctx) error {
	return c.Redirect("/new")
}

func other(x *Thing) {
	x.JSON(500, nil)
}
"#,
    );
    assert_eq!(codes(&f), [500, 302, 404, 302], "{:?}", f.usages);
    let bind = &f.usages[0];
    assert_eq!(bind.methods.as_deref(), Some(&[Method::Post][..]));
    assert!(
        bind.evidence
            .condition
            .as_deref()
            .unwrap()
            .contains("ShouldBindJSON"),
        "{:?}",
        bind.evidence.condition
    );
    assert!(
        bind.evidence
            .texts
            .iter()
            .any(|(s, t)| *s == TextSource::Message && t.starts_with("error: "))
    );
    assert!(f.usages[3].implicit);
    assert_eq!(
        f.usages[1].named_alternative.as_deref(),
        Some("http.StatusFound")
    );
}

#[test]
fn constants_handed_to_helpers_and_comparisons() {
    let f = facts(
        r#"package main

import "net/http"

func h(w http.ResponseWriter, r *http.Request) {
	if resp.StatusCode != http.StatusOK {
		writeError(w, http.StatusForbidden, "admins only")
	}
	switch code {
	case http.StatusNotFound:
	}
	msg := http.StatusText(http.StatusTeapot)
}
"#,
    );
    assert_eq!(codes(&f), [403], "{:?}", f.usages);
    assert!(!f.usages[0].headers.complete);
}

#[test]
fn gorilla_methods_and_broken_files() {
    let f = facts(
        "package main\nimport \"net/http\"\nfunc main() {\n\tr.HandleFunc(\"/p\", s.create).Methods(\"POST\")\n}\nfunc broken( { w.WriteHeader(404)\n",
    );
    assert_eq!(f.routes[0].methods, [Method::Post]);
    assert!(f.notes.iter().any(|n| n.contains("line")), "{:?}", f.notes);
    assert!(
        facts("package main\nfunc f() { w.WriteHeader(404) }\n")
            .usages
            .is_empty()
    );
}

#[test]
fn new_of_a_value_is_read_as_a_call() {
    let src =
        "x := new(time.Now()); y := new(42); z := new(int); m := new(map[string]int); renew(a)";
    let parseable = syntax::parseable(src);
    assert_eq!(
        parseable,
        "x := neW(time.Now()); y := neW(42); z := new(int); m := new(map[string]int); renew(a)"
    );
    assert_eq!(syntax::parseable("p := new(T)"), "p := new(T)");
    let f = facts(
        "package api\n\nimport \"net/http\"\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tt := new(time.Now())\n\t_ = t\n\tw.WriteHeader(404)\n}\n",
    );
    assert_eq!(codes(&f), vec![404]);
    assert!(f.partly_read.is_none(), "read in part: {:?}", f.notes);
}
