//! Classify: which source kind a file is, from its name, and from its content where the
//! name cannot tell (a `.yaml` may be an OpenAPI spec, a Kubernetes manifest, a Traefik
//! file or none of these; a `.conf` may be nginx or Apache).

use regex::bytes::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// The kinds of source statuslint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Rust,
    Python,
    Go,
    /// JavaScript and TypeScript (`.js`, `.mjs`, `.cjs`, `.jsx`, `.ts`, `.mts`, `.cts`,
    /// `.tsx`): one kind, so handlers are joined with routes across both.
    JavaScript,
    Nginx,
    Apache,
    Caddy,
    Haproxy,
    /// Netlify and Cloudflare Pages `_redirects`.
    Redirects,
    NetlifyToml,
    VercelJson,
    /// `next.config.{js,mjs,cjs,ts}`.
    NextConfig,
    /// Kubernetes manifests: Ingress annotations, ConfigMaps, Traefik CRDs.
    Kubernetes,
    /// Traefik's own configuration files (file provider, static config).
    Traefik,
    /// OpenAPI 3.x and Swagger 2.0 specs.
    OpenApi,
    /// Terraform and OpenTofu (`*.tf`).
    Terraform,
    /// CloudFormation and SAM templates (YAML or JSON).
    CloudFormation,
    /// IIS `web.config`.
    WebConfig,
    /// Envoy bootstrap and route configuration (YAML or JSON).
    Envoy,
    /// Firebase Hosting `firebase.json`.
    FirebaseJson,
    /// Azure Static Web Apps `staticwebapp.config.json`.
    StaticWebApp,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Rust => "rust",
            SourceKind::Python => "python",
            SourceKind::Go => "go",
            SourceKind::JavaScript => "javascript",
            SourceKind::Nginx => "nginx",
            SourceKind::Apache => "apache",
            SourceKind::Caddy => "caddy",
            SourceKind::Haproxy => "haproxy",
            SourceKind::Redirects => "redirects",
            SourceKind::NetlifyToml => "netlify-toml",
            SourceKind::VercelJson => "vercel-json",
            SourceKind::NextConfig => "next-config",
            SourceKind::Kubernetes => "kubernetes",
            SourceKind::Traefik => "traefik",
            SourceKind::OpenApi => "openapi",
            SourceKind::Terraform => "terraform",
            SourceKind::CloudFormation => "cloudformation",
            SourceKind::WebConfig => "web-config",
            SourceKind::Envoy => "envoy",
            SourceKind::FirebaseJson => "firebase-json",
            SourceKind::StaticWebApp => "static-web-app",
        }
    }

    /// How the run summary counts files of this kind ("30 nginx, 2 OpenAPI").
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Rust => "Rust",
            SourceKind::Python => "Python",
            SourceKind::Go => "Go",
            SourceKind::JavaScript => "JavaScript/TypeScript",
            SourceKind::Nginx => "nginx",
            SourceKind::Apache => "Apache",
            SourceKind::Caddy => "Caddy",
            SourceKind::Haproxy => "HAProxy",
            SourceKind::Redirects => "_redirects",
            SourceKind::NetlifyToml => "netlify.toml",
            SourceKind::VercelJson => "vercel.json",
            SourceKind::NextConfig => "Next.js config",
            SourceKind::Kubernetes => "Kubernetes",
            SourceKind::Traefik => "Traefik",
            SourceKind::OpenApi => "OpenAPI",
            SourceKind::Terraform => "Terraform",
            SourceKind::CloudFormation => "CloudFormation",
            SourceKind::WebConfig => "web.config",
            SourceKind::Envoy => "Envoy",
            SourceKind::FirebaseJson => "firebase.json",
            SourceKind::StaticWebApp => "staticwebapp.config.json",
        }
    }
}

/// What the name alone says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameClass {
    Kind(SourceKind),
    /// A server config (`.conf`): nginx or Apache, or neither.
    ServerConf,
    /// YAML or JSON: OpenAPI, Kubernetes, Traefik, or neither.
    Structured,
    /// A `.toml` other than netlify.toml: maybe Traefik.
    Toml,
    /// A `.cfg`: maybe HAProxy.
    Cfg,
    /// A `.go` file: Go unless generated.
    Go,
    /// A `.py` file: Python unless generated.
    Python,
}

/// Suffixes of sample and template copies of a config file.
const TEMPLATE_SUFFIXES: [&str; 6] = [".sample", ".example", ".template", ".j2", ".tmpl", ".dist"];

/// The class of a file from its path, or None for files statuslint never reads.
pub fn by_name(path: &Path) -> Option<NameClass> {
    // A name that is not UTF-8 is still classified by the parts that are.
    let lower = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    // Server configs shipped as samples or templates (`site.conf.sample`, `nginx.conf.j2`)
    // are read by their content like the file they stand for.
    if let Some(base) = TEMPLATE_SUFFIXES
        .iter()
        .find_map(|s| lower.strip_suffix(s))
        .filter(|base| base.ends_with(".conf"))
    {
        return match base {
            "nginx.conf" => Some(NameClass::Kind(SourceKind::Nginx)),
            _ => Some(NameClass::ServerConf),
        };
    }
    let ext = Path::new(&lower)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let in_dir = |dirs: &[&str]| {
        path.parent()
            .and_then(|p| p.file_name())
            .is_some_and(|d| dirs.contains(&&*d.to_string_lossy()))
    };
    let kind = |k| Some(NameClass::Kind(k));
    match lower.as_str() {
        "_redirects" => return kind(SourceKind::Redirects),
        "netlify.toml" => return kind(SourceKind::NetlifyToml),
        "vercel.json" => return kind(SourceKind::VercelJson),
        "firebase.json" => return kind(SourceKind::FirebaseJson),
        "staticwebapp.config.json" => return kind(SourceKind::StaticWebApp),
        "nginx.conf" => return kind(SourceKind::Nginx),
        ".htaccess" | "httpd.conf" | "apache2.conf" | "apache.conf" => {
            return kind(SourceKind::Apache);
        }
        "haproxy.cfg" => return kind(SourceKind::Haproxy),
        "caddyfile" => return kind(SourceKind::Caddy),
        "cargo.toml" | "pyproject.toml" | "package.json" | "package-lock.json"
        | "tsconfig.json" | "composer.json" | "composer.lock" => return None,
        _ => {}
    }
    // `web.config` and its build transforms (`web.Release.config`).
    if lower.starts_with("web.") && ext == "config" {
        return kind(SourceKind::WebConfig);
    }
    if lower.starts_with("next.config.") && ["js", "mjs", "cjs", "ts", "mts"].contains(&ext) {
        return kind(SourceKind::NextConfig);
    }
    if lower.starts_with("caddyfile") || ext == "caddyfile" || ext == "caddy" {
        return kind(SourceKind::Caddy);
    }
    match ext {
        "rs" => kind(SourceKind::Rust),
        "py" => Some(NameClass::Python),
        // Vendored copies of dependencies are not the project's code.
        "go" if path.components().any(|c| c.as_os_str() == "vendor") => None,
        "go" => Some(NameClass::Go),
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => javascript(path, &lower),
        "tf" | "tofu" => kind(SourceKind::Terraform),
        "nginx" | "nginxconf" => kind(SourceKind::Nginx),
        "htaccess" => kind(SourceKind::Apache),
        "conf" | "vhost" | "template" => Some(NameClass::ServerConf),
        "yaml" | "yml" | "json" => Some(NameClass::Structured),
        "toml" => Some(NameClass::Toml),
        "cfg" => Some(NameClass::Cfg),
        "" if in_dir(&[
            "sites-available",
            "sites-enabled",
            "conf.d",
            "nginx",
            "apache2",
            "httpd",
        ]) =>
        {
            Some(NameClass::ServerConf)
        }
        _ => None,
    }
}

/// Folders of build output and bundled copies: not the project's handlers.
const JS_OUTPUT_DIRS: &[&str] = &[
    "dist",
    "build",
    ".next",
    ".nuxt",
    ".output",
    ".svelte-kit",
    ".vercel",
    ".wrangler",
    "coverage",
    "bower_components",
];

/// A JavaScript or TypeScript file, unless it is build output or a minified bundle.
fn javascript(path: &Path, lower: &str) -> Option<NameClass> {
    let output = path
        .components()
        .any(|c| JS_OUTPUT_DIRS.contains(&&*c.as_os_str().to_string_lossy()));
    let minified =
        lower.contains(".min.") || lower.ends_with("-min.js") || lower.contains(".bundle.");
    (!output && !minified).then_some(NameClass::Kind(SourceKind::JavaScript))
}

static APACHE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?mi)^\s*(<VirtualHost|<Directory|<IfModule|RewriteEngine|RewriteRule|RewriteCond|RedirectMatch|RedirectPermanent|RedirectTemp|Redirect\s|ErrorDocument|ServerName\s|DocumentRoot\s)")
        .expect("valid regex")
});
static NGINX: LazyLock<Regex> = LazyLock::new(|| {
    // Directives as nginx writes them, ending in `;` or opening a block, so that look-alike
    // formats (FreeRADIUS `listen {`, `server default {`) do not count.
    Regex::new(r"(?m)^\s*(server\s*\{|location\s+[^{;]*\{|return\s+[^;{]+;|rewrite\s+[^;{]+;|error_page\s+[^;{]+;|listen\s+[^;{]+;|server_name\s+[^;{]+;|upstream\s+\S+\s*\{|include\s+\S+;)")
        .expect("valid regex")
});
static HAPROXY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(frontend|backend|listen|defaults)(\s|$)").expect("valid regex")
});
static OPENAPI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^(openapi|swagger)\s*:|^\s*\{?\s*"(openapi|swagger)"\s*:"#)
        .expect("valid regex")
});
/// The version key of an OpenAPI document written after other keys, beyond the sniffed
/// head: generated specs often sort their keys (`components`, ..., `openapi`). At the
/// start of a YAML line, or as a JSON key whose value is a version.
static OPENAPI_ANYWHERE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^(openapi|swagger)\s*:|"(openapi|swagger)"\s*:\s*"[23]\."#)
        .expect("valid regex")
});
static KUBERNETES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^apiVersion\s*:").expect("valid regex"));
static KUBERNETES_KIND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^kind\s*:").expect("valid regex"));
static TRAEFIK_YAML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(http|entryPoints)\s*:|^\s+(middlewares|redirectScheme|redirectRegex|redirections)\s*:")
        .expect("valid regex")
});
/// A CloudFormation template: its version key, or a resource of an `AWS::` type.
static CLOUDFORMATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^\s*\{?\s*"?AWSTemplateFormatVersion"?\s*:|^\s+"?Type"?\s*:\s*["']?AWS::[A-Za-z0-9]+::"#,
    )
    .expect("valid regex")
});
/// The ingress-nginx chart's values (or a parent chart's `ingress-nginx:` section) setting
/// the controller's configuration.
static INGRESS_NGINX_VALUES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(ingress-nginx:\s*\n\s+)?controller:\s*\n(\s+.*\n|\s*\n)*?\s+config:\s*\n(\s+.*\n|\s*\n)*?\s+(http-redirect-code|server-snippet|location-snippet|http-snippet):")
        .expect("valid regex")
});
/// A Docker Compose file whose container labels define Traefik middlewares.
static COMPOSE_SERVICES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^services\s*:").expect("valid regex"));
static TRAEFIK_LABELS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)traefik\.http\.middlewares\.|--entrypoints\.\S+\.redirections")
        .expect("valid regex")
});
/// Envoy configuration: a bootstrap's `static_resources`, or a route configuration (an RDS
/// file, a bare `RouteConfiguration`) with its `virtual_hosts`.
static ENVOY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\s*\{?\s*"?(static_resources|staticResources)"?\s*:|^\s*-?\s*\{?\s*"?(virtual_hosts|virtualHosts)"?\s*:|type\.googleapis\.com/envoy\.config\.route\.v3\.RouteConfiguration"#)
        .expect("valid regex")
});
static TRAEFIK_TOML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*\[(http\.middlewares|entryPoints)").expect("valid regex")
});

/// Every structured kind's marker holds one of these words (`AWS` for CloudFormation,
/// `redirect` for Traefik's `redirectScheme`, `redirectRegex` and `redirections`): one
/// literal search drops most JSON and YAML files before the kinds' regexes each scan them.
/// Envoy's `static_resources` and `virtual_hosts` (either case), Static Web Apps'
/// `statusCode` and ingress-nginx's `snippet` keys are markers too.
static STRUCTURED_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        "openapi|swagger|AWS|apiVersion|http|entryPoints|middlewares|redirect|static_resources|staticResources|virtual_hosts|virtualHosts|statusCode|snippet",
    )
    .expect("valid regex")
});

/// Go's marker for generated files (`// Code generated by protoc-gen-go. DO NOT EDIT.`),
/// which must come before the package clause.
static GO_GENERATED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^// Code generated .* DO NOT EDIT\.$").expect("valid regex"));

/// Python that never chooses a status: generated modules, marked on their first line
/// (Django's `# Generated by Django 5.1 on ...`, protoc's), and Django migrations, which a
/// project has hundreds of (many with the mark taken off): a tenth of its Python to parse.
static PYTHON_GENERATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\A(?-u:\xEF\xBB\xBF)?# Generated by (Django |the protocol buffer compiler)")
        .expect("valid regex")
});
static DJANGO_MIGRATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^class Migration\(migrations\.Migration\):").expect("valid regex")
});

/// How much of a file the content sniffers look at: the keys they look for come first.
const SNIFF_BYTES: usize = 64 * 1024;

/// The kind of a file, from its name class and, where needed, its first bytes.
pub fn by_content(class: NameClass, bytes: &[u8]) -> Option<SourceKind> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    match class {
        NameClass::Kind(kind) => Some(kind),
        // `*.template` is also CloudFormation's own extension.
        NameClass::ServerConf if CLOUDFORMATION.is_match(head) => Some(SourceKind::CloudFormation),
        NameClass::ServerConf => {
            let apache = APACHE.find_iter(head).count();
            let nginx = NGINX.find_iter(head).count();
            match (apache, nginx) {
                (0, 0) => None,
                (a, n) if a > n => Some(SourceKind::Apache),
                _ => Some(SourceKind::Nginx),
            }
        }
        NameClass::Structured if !STRUCTURED_WORDS.is_match(bytes) => None,
        NameClass::Structured => {
            if OPENAPI.is_match(head) {
                Some(SourceKind::OpenApi)
            } else if CLOUDFORMATION.is_match(head) {
                Some(SourceKind::CloudFormation)
            } else if (KUBERNETES.is_match(head) && KUBERNETES_KIND.is_match(head))
                || INGRESS_NGINX_VALUES.is_match(head)
            {
                Some(SourceKind::Kubernetes)
            } else if COMPOSE_SERVICES.is_match(head) && TRAEFIK_LABELS.is_match(head) {
                Some(SourceKind::Traefik)
            } else if ENVOY.is_match(head) {
                Some(SourceKind::Envoy)
            } else if TRAEFIK_YAML.is_match(head) {
                Some(SourceKind::Traefik)
            } else if OPENAPI_ANYWHERE.is_match(bytes) {
                Some(SourceKind::OpenApi)
            } else {
                None
            }
        }
        NameClass::Toml => TRAEFIK_TOML.is_match(head).then_some(SourceKind::Traefik),
        NameClass::Cfg => HAPROXY.is_match(head).then_some(SourceKind::Haproxy),
        NameClass::Go => (!GO_GENERATED.is_match(head)).then_some(SourceKind::Go),
        NameClass::Python => (!PYTHON_GENERATED.is_match(head)
            && !DJANGO_MIGRATION.is_match(bytes))
        .then_some(SourceKind::Python),
    }
}

/// The kind of a file at `path` holding `bytes`.
pub fn classify(path: &Path, bytes: &[u8]) -> Option<SourceKind> {
    by_content(by_name(path)?, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str, text: &str) -> Option<SourceKind> {
        classify(Path::new(path), text.as_bytes())
    }

    #[test]
    fn by_file_name() {
        assert_eq!(kind("src/main.rs", ""), Some(SourceKind::Rust));
        assert_eq!(kind("public/_redirects", ""), Some(SourceKind::Redirects));
        assert_eq!(kind("netlify.toml", ""), Some(SourceKind::NetlifyToml));
        assert_eq!(kind("vercel.json", ""), Some(SourceKind::VercelJson));
        assert_eq!(kind("firebase.json", ""), Some(SourceKind::FirebaseJson));
        assert_eq!(
            kind("app/staticwebapp.config.json", ""),
            Some(SourceKind::StaticWebApp)
        );
        assert_eq!(
            kind("web/next.config.mjs", ""),
            Some(SourceKind::NextConfig)
        );
        assert_eq!(kind("deploy/Caddyfile", ""), Some(SourceKind::Caddy));
        assert_eq!(kind("site/.htaccess", ""), Some(SourceKind::Apache));
        assert_eq!(kind("infra/alb.tf", ""), Some(SourceKind::Terraform));
        assert_eq!(kind("site/Web.config", ""), Some(SourceKind::WebConfig));
        assert_eq!(
            kind("site/web.Release.config", ""),
            Some(SourceKind::WebConfig)
        );
        assert_eq!(kind("app.config", ""), None);
        assert_eq!(kind("infra/alb.tofu", ""), Some(SourceKind::Terraform));
        assert_eq!(kind("README.md", ""), None);
        assert_eq!(
            kind("cmd/server/main.go", "package main"),
            Some(SourceKind::Go)
        );
        assert_eq!(kind("vendor/github.com/x/y/y.go", "package y"), None);
        assert_eq!(
            kind("src/routes/users.ts", ""),
            Some(SourceKind::JavaScript)
        );
        assert_eq!(kind("app/page.tsx", ""), Some(SourceKind::JavaScript));
        assert_eq!(kind("server.mjs", ""), Some(SourceKind::JavaScript));
        assert_eq!(kind("dist/server.js", ""), None);
        assert_eq!(kind("web/.next/server/app.js", ""), None);
        assert_eq!(kind("public/jquery.min.js", ""), None);
        assert_eq!(kind("next.config.js", ""), Some(SourceKind::NextConfig));
        assert_eq!(
            kind(
                "api/api.pb.go",
                "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage api"
            ),
            None
        );
        assert_eq!(kind("Cargo.toml", "[package]"), None);
        assert_eq!(
            kind(
                "shop/migrations/0002_order_status.py",
                "# Generated by Django 5.1 on 2026-01-02 10:00\n\nfrom django.db import migrations"
            ),
            None
        );
        assert_eq!(
            kind(
                "api/orders_pb2.py",
                "# Generated by the protocol buffer compiler.  DO NOT EDIT!"
            ),
            None
        );
        assert_eq!(
            kind(
                "shop/migrations/0003_refunds.py",
                "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n"
            ),
            None
        );
        // Only the first line marks it: a view that mentions the words is read.
        assert_eq!(
            kind(
                "shop/views.py",
                "from django.http import HttpResponse\n# Generated by Django \n"
            ),
            Some(SourceKind::Python)
        );
    }

    #[test]
    fn server_confs_by_content() {
        assert_eq!(
            kind(
                "site.conf",
                "server {\n  listen 80;\n  return 301 https://x;\n}"
            ),
            Some(SourceKind::Nginx)
        );
        assert_eq!(
            kind(
                "site.conf",
                "<VirtualHost *:80>\n  Redirect / https://x/\n</VirtualHost>"
            ),
            Some(SourceKind::Apache)
        );
        assert_eq!(
            kind("sites-enabled/default", "server {\n listen 80;\n}"),
            Some(SourceKind::Nginx)
        );
        assert_eq!(kind("my.conf", "key = value"), None);
        let vhost = "server {\n  listen 80;\n  return 302 https://$host$request_uri;\n}";
        assert_eq!(kind("site.conf.sample", vhost), Some(SourceKind::Nginx));
        assert_eq!(kind("roles/web/nginx.conf.j2", ""), Some(SourceKind::Nginx));
        assert_eq!(
            kind("app.subdomain.conf.example", vhost),
            Some(SourceKind::Nginx)
        );
        assert_eq!(kind("notes.txt.sample", vhost), None);
        assert_eq!(
            kind(
                "sites-available/default",
                "server default {\n  listen {\n    type = auth\n  }\n}\n"
            ),
            None,
            "FreeRADIUS is not nginx"
        );
        assert_eq!(kind("lb/haproxy.cfg", ""), Some(SourceKind::Haproxy));
        assert_eq!(
            kind("lb/edge.cfg", "frontend web\n  bind :80\n"),
            Some(SourceKind::Haproxy)
        );
        assert_eq!(kind("setup.cfg", "[metadata]\nname = x\n"), None);
    }

    #[test]
    fn structured_files_by_content() {
        assert_eq!(
            kind("api.yaml", "openapi: 3.1.0\ninfo: {}\n"),
            Some(SourceKind::OpenApi)
        );
        assert_eq!(
            kind("api.json", "{\n  \"swagger\": \"2.0\"\n}"),
            Some(SourceKind::OpenApi)
        );
        assert_eq!(
            kind(
                "k8s/ing.yaml",
                "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
            ),
            Some(SourceKind::Kubernetes)
        );
        assert_eq!(
            kind("dyn.yml", "http:\n  middlewares:\n    x: {}\n"),
            Some(SourceKind::Traefik)
        );
        assert_eq!(
            kind("dyn.toml", "[http.middlewares.x.redirectScheme]\n"),
            Some(SourceKind::Traefik)
        );
        assert_eq!(kind("ci.yml", "on: push\njobs: {}\n"), None);
        assert_eq!(
            kind(
                "docker-compose.yml",
                "services:\n  web:\n    labels:\n      - traefik.http.middlewares.r.redirectscheme.scheme=https\n"
            ),
            Some(SourceKind::Traefik)
        );
        let values = "controller:\n  replicaCount: 2\n  config:\n    use-forwarded-headers: \"true\"\n    http-redirect-code: \"302\"\n";
        assert_eq!(kind("values.yaml", values), Some(SourceKind::Kubernetes));
        assert_eq!(kind("values.yaml", "controller:\n  config: {}\n"), None);
        assert_eq!(
            kind(
                "docker-compose.yml",
                "services:\n  db:\n    image: postgres\n"
            ),
            None
        );
        assert_eq!(
            kind("envoy.yaml", "static_resources:\n  listeners: []\n"),
            Some(SourceKind::Envoy)
        );
        assert_eq!(
            kind("rds.json", "{\"virtual_hosts\": []}"),
            Some(SourceKind::Envoy)
        );
        let cfn = "Resources:\n  L:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n";
        assert_eq!(kind("stack.yaml", cfn), Some(SourceKind::CloudFormation));
        assert_eq!(
            kind("stack.template", cfn),
            Some(SourceKind::CloudFormation)
        );
        assert_eq!(
            kind("t.json", "{\"AWSTemplateFormatVersion\": \"2010-09-09\"}"),
            Some(SourceKind::CloudFormation)
        );
        let late = format!("components:\n{}openapi: 3.0.3\n", "  x: 1\n".repeat(20_000));
        assert_eq!(kind("spec.yaml", &late), Some(SourceKind::OpenApi));
        let late = format!(
            "{{\"paths\": {{}}, \"x\": \"{}\", \"swagger\": \"2.0\"}}",
            "y".repeat(70_000)
        );
        assert_eq!(kind("spec.json", &late), Some(SourceKind::OpenApi));
        let embedded = format!(
            "{{\"x\": \"{}\", \"doc\": \"{{\\\"openapi\\\": \\\"3.0.0\\\"}}\"}}",
            "y".repeat(70_000)
        );
        assert_eq!(kind("data.json", &embedded), None);
    }

    /// The literal search in front of the structured kinds' regexes must pass each marker
    /// they look for, or a file of that kind is silently not read.
    #[test]
    fn structured_prefilter_keeps_every_marker() {
        let traefik = [
            "http:\n  routers: {}\n",
            "entryPoints:\n  web: {}\n",
            "x:\n  middlewares:\n    a: {}\n",
            "x:\n  redirectScheme:\n    scheme: https\n",
            "x:\n  redirectRegex:\n    regex: a\n",
            "x:\n  redirections:\n    entryPoint: {}\n",
        ];
        for text in traefik {
            assert_eq!(kind("dyn.yml", text), Some(SourceKind::Traefik), "{text}");
        }
        for text in [
            "static_resources:\n  listeners: []\n",
            "{\"virtualHosts\": []}",
        ] {
            assert_eq!(kind("envoy.yaml", text), Some(SourceKind::Envoy), "{text}");
        }
        assert_eq!(
            kind("k.yaml", "apiVersion: v1\nkind: ConfigMap\n"),
            Some(SourceKind::Kubernetes)
        );
        assert_eq!(
            kind("s.yaml", "swagger: '2.0'\n"),
            Some(SourceKind::OpenApi)
        );
        assert_eq!(
            kind("s.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"),
            Some(SourceKind::CloudFormation)
        );
        assert_eq!(
            kind("data.json", "{\"name\": \"pkg\", \"items\": [1, 2]}"),
            None
        );
    }
}
