//! Kubernetes manifests: ingress-nginx Ingress annotations and controller ConfigMap, Traefik
//! `Middleware` resources and container args, Gateway API HTTPRoute redirect filters, and
//! Istio VirtualService and Contour HTTPProxy redirects, and the ingress-nginx chart's
//! `controller.config` values, and Envoy files in ConfigMaps. Several documents per file; Helm templates are read where
//! they parse once their `{{ }}` actions are masked.

mod envoy_config;
mod gateway_api;
mod ingress_nginx;
mod mesh;
mod snippets;
mod table;

use crate::extract::traefik::{flags, middleware};
use crate::extract::tree::{Document, Node, yaml_documents};
use crate::usage::{FileFacts, TextSource};
use std::path::Path;

/// Names that choose a code: the ingress-nginx redirect annotations and ConfigMap key,
/// Traefik Middleware resources and entry-point redirection flags, and Gateway API
/// redirect filters, and Envoy route configurations in ConfigMaps.
pub const PREFILTER: &str = r#"(server|configuration|location|http)-snippet|(?i:virtual_?hosts)|permanent-redirect|temporal-redirect|http-redirect-code|kind"?\s*:\s*["']?Middleware\b|(?i:--entrypoints\.\S+\.redirections)|requestRedirect|redirectCode|kind"?\s*:\s*["']?(VirtualService|HTTPProxy)\b"#;

/// API groups of Traefik's Middleware resource (v2 and v3).
const TRAEFIK_GROUPS: [&str; 2] = ["traefik.io/", "traefik.containo.us/"];

pub fn extract(path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    for document in yaml_documents(src) {
        match document {
            Document::Parsed(root) => {
                if kind_of(&root).is_none() {
                    ingress_nginx::chart_values(&root, path, src, &mut facts);
                }
                read_resource(&root, path, src, &mut facts);
                // `kubectl get -o yaml` wraps resources in a List.
                if kind_of(&root) == Some("List") {
                    for item in root.get("items").map_or(&[][..], Node::items) {
                        read_resource(item, path, src, &mut facts);
                    }
                }
            }
            Document::Failed {
                line,
                reason,
                templated,
            } => facts.notes.push(if templated {
                format!(
                    "line {line}: a template document that is not YAML even with its `{{{{ }}}}` actions masked ({reason}); skipped, the other documents were checked"
                )
            } else {
                format!(
                    "line {line}: this YAML document could not be read ({reason}); skipped, the other documents were checked"
                )
            }),
        }
    }
    facts
}

fn kind_of(doc: &Node) -> Option<&str> {
    doc.get("kind").and_then(Node::as_str)
}

fn read_resource(doc: &Node, path: &Path, src: &str, facts: &mut FileFacts) {
    match kind_of(doc) {
        Some("Ingress") => ingress_nginx::ingress(doc, path, src, facts),
        Some("ConfigMap") => {
            ingress_nginx::config_map(doc, path, src, facts);
            envoy_config::read(doc, path, src, facts);
        }
        Some(_) if gateway_api::is_route(doc) => gateway_api::route(doc, src, facts),
        Some(_) if mesh::read(doc, src, facts) => {}
        Some("Middleware") if is_traefik(doc) => {
            if let Some(spec) = doc.get("spec") {
                middleware::read(spec, &resource_texts(doc), src, &mut facts.usages);
            }
        }
        _ => {}
    }
    let args = container_args(doc);
    if !args.is_empty() {
        flags::read(&args, src, &mut facts.usages);
    }
}

/// The strings of every `args` and `command` list in a resource: where a workload running
/// Traefik passes its static configuration.
fn container_args(doc: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        for entry in node.entries() {
            match entry.key.as_str() {
                Some("args" | "command") => out.extend(entry.value.items()),
                _ => stack.push(&entry.value),
            }
        }
        stack.extend(node.items());
    }
    out
}

/// The resource's name, as the name of what answers.
fn resource_texts(doc: &Node) -> Vec<(TextSource, String)> {
    doc.path(&["metadata", "name"])
        .and_then(Node::as_str)
        .map(|name| (TextSource::Handler, name.to_string()))
        .into_iter()
        .collect()
}

fn is_traefik(doc: &Node) -> bool {
    doc.get("apiVersion")
        .and_then(Node::as_str)
        .is_some_and(|api| TRAEFIK_GROUPS.iter().any(|g| api.starts_with(g)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::Code;

    fn facts(src: &str) -> FileFacts {
        let mut facts = extract(Path::new("k8s.yaml"), src);
        facts.place_notes(src);
        facts
    }

    const INGRESS: &str = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: docs\n  annotations:\n";

    #[test]
    fn permanent_redirect_defaults_to_301_at_the_annotation() {
        let src = format!(
            "{INGRESS}    nginx.ingress.kubernetes.io/permanent-redirect: https://docs.example.com/\n"
        );
        let f = facts(&src);
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(301));
        assert!(u.implicit);
        assert_eq!(
            &src[u.span.clone()],
            "nginx.ingress.kubernetes.io/permanent-redirect"
        );
        assert!(u.evidence.declared_permanent.as_ref().unwrap().0);
    }

    #[test]
    fn code_annotation_in_range_is_used_as_given() {
        let src = format!(
            "{INGRESS}    nginx.ingress.kubernetes.io/permanent-redirect: https://x.example.com/\n    nginx.ingress.kubernetes.io/permanent-redirect-code: \"307\"\n"
        );
        let f = facts(&src);
        assert_eq!(f.usages[0].code, Code::Exact(307));
        assert_eq!(&src[f.usages[0].span.clone()], "\"307\"");
    }

    #[test]
    fn out_of_range_codes_fall_back_with_a_note() {
        let src = format!(
            "{INGRESS}    nginx.ingress.kubernetes.io/temporal-redirect: https://x.example.com/\n    nginx.ingress.kubernetes.io/temporal-redirect-code: \"308\"\n"
        );
        let f = facts(&src);
        let codes: Vec<_> = f.usages.iter().map(|u| u.code.clone()).collect();
        assert_eq!(codes, [Code::Exact(308), Code::Exact(302)]);
        assert!(f.usages[0].target.is_none());
        assert!(f.notes[0].contains("sends 302 instead"), "{:?}", f.notes);
    }

    #[test]
    fn temporal_wins_over_permanent() {
        let src = format!(
            "{INGRESS}    nginx.ingress.kubernetes.io/permanent-redirect: https://a.example.com/\n    nginx.ingress.kubernetes.io/temporal-redirect: https://b.example.com/\n"
        );
        let f = facts(&src);
        assert_eq!(f.usages.len(), 1);
        assert_eq!(f.usages[0].code, Code::Exact(302));
        assert!(f.notes[0].contains("ignored"));
    }

    #[test]
    fn non_numeric_code_rejects_the_ingress() {
        let src = format!(
            "{INGRESS}    nginx.ingress.kubernetes.io/permanent-redirect: https://a.example.com/\n    nginx.ingress.kubernetes.io/permanent-redirect-code: permanent\n"
        );
        let f = facts(&src);
        assert_eq!(f.usages.len(), 1);
        assert_eq!(f.usages[0].code, Code::Malformed("permanent".into()));
        assert!(f.notes[0].contains("rejects"));
    }

    #[test]
    fn config_map_code_is_the_https_upgrade_code() {
        let src = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\ndata:\n  http-redirect-code: \"302\"\n";
        let f = facts(src);
        assert_eq!(f.usages[0].code, Code::Exact(302));
        assert!(f.usages[0].evidence.request_scheme.is_some());
        let f = facts(&src.replace("302", "303"));
        assert!(f.usages[0].target.is_none());
        assert!(f.notes[0].contains("keeps 308"));
    }

    #[test]
    fn traefik_middleware_resources_and_lists() {
        let src = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: traefik.io/v1alpha1\n  kind: Middleware\n  metadata:\n    name: to-https\n  spec:\n    redirectScheme:\n      scheme: https\n";
        let f = facts(src);
        assert_eq!(f.usages[0].code, Code::Exact(302));
        let other = src.replace("traefik.io", "example.com");
        assert!(facts(&other).usages.is_empty());
    }

    #[test]
    fn traefik_flags_in_container_args() {
        let src = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: traefik\n          args:\n            - --entrypoints.web.address=:8000\n            - --entrypoints.web.http.redirections.entrypoint.to=websecure\n            - --entrypoints.web.http.redirections.entrypoint.permanent=false\n";
        let f = facts(src);
        assert_eq!(f.usages[0].code, Code::Exact(302));
    }

    #[test]
    fn broken_and_template_documents_are_notes() {
        let src = format!(
            "{INGRESS}    nginx.ingress.kubernetes.io/permanent-redirect: https://a.example.com/\n---\nkind: [\n---\n{{{{ include \"x\" . }}}}: {{{{ y }}}}\n  bad: indent\n"
        );
        let f = facts(&src);
        assert_eq!(f.usages.len(), 1);
        assert_eq!(f.notes.len(), 2, "{:?}", f.notes);
        assert!(f.notes[1].contains("template"));
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    /// Every prefix of real manifests (cut anywhere, so documents, strings and flow
    /// collections end half-way) is read without a panic.
    #[test]
    fn every_truncation_is_read_without_panic() {
        let files = [
            include_str!("../../../fixtures/kubernetes/ingress_nginx.yaml"),
            include_str!("../../../fixtures/kubernetes/traefik_middlewares.yaml"),
            include_str!("../../../fixtures/kubernetes/helm/templates/ingress.yaml"),
            include_str!("../../../fixtures/kubernetes/ingress_snippets.yaml"),
            include_str!("../../../fixtures/kubernetes/ingress-nginx-values/values.yaml"),
        ];
        for src in files {
            for cut in (0..src.len())
                .step_by(11)
                .filter(|c| src.is_char_boundary(*c))
            {
                let _ = extract(Path::new("cut.yaml"), &src[..cut]);
            }
        }
    }
}
