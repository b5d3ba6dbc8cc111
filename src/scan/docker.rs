//! Containers: `Dockerfile`s (`FROM`, with `ARG` defaults substituted and
//! stage aliases resolved) and compose files (`image:` with `${VAR:-default}`
//! interpolation from a sibling `.env`), as `pkg:docker` components.

use std::collections::HashMap;
use std::ops::Range;

use serde::Deserialize;

use crate::facts::{BaseImage, Component, Dockerfile, FileProblem, Scope, Source, Stage};
use crate::location::{RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};
use crate::yaml::{self, Spanned, SpannedMap};

pub const DOCKER_HUB: &str = "docker.io";

/// An image reference split into registry, repository path and tag/digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `None` for Docker Hub.
    pub registry: Option<String>,
    /// `library/nginx`, `owner/app`, `team/sub/app`.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> Option<Self> {
        let reference = reference.trim();
        if reference.is_empty()
            || reference.contains(char::is_whitespace)
            || reference.contains('$')
        {
            return None;
        }
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_owned())),
            None => (reference, None),
        };
        // A tag is after the last `:` that follows the last `/` (a registry
        // port has a `/` after it).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest.get(last_slash..).and_then(|tail| tail.rfind(':')) {
            Some(i) => (
                rest.get(..last_slash + i)?,
                Some(rest.get(last_slash + i + 1..)?.to_owned()),
            ),
            None => (rest, None),
        };
        let (registry, path) = match name.split_once('/') {
            Some((first, path)) if first.contains(['.', ':']) || first == "localhost" => {
                (Some(first.to_ascii_lowercase()), path)
            }
            _ => (None, name),
        };
        let registry = registry.filter(|r| {
            !matches!(
                r.as_str(),
                "docker.io" | "index.docker.io" | "registry-1.docker.io"
            )
        });
        let repository = if registry.is_none() && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_owned()
        };
        Some(ImageRef {
            registry,
            repository: repository.to_ascii_lowercase(),
            tag,
            digest,
        })
    }

    pub fn purl(&self) -> Purl {
        // Pinned by digest, the digest is the version; a tag written with
        // it is kept as the `tag` qualifier.
        let version = self.digest.as_deref().or(self.tag.as_deref());
        let tag = self.digest.as_ref().and(self.tag.as_deref());
        Purl::new(Ecosystem::Docker, &self.repository, version)
            .with_repository_url(self.registry.as_deref())
            .with_tag(tag)
    }

    pub fn source(&self) -> Source {
        Source::Registry(
            self.registry
                .clone()
                .unwrap_or_else(|| DOCKER_HUB.to_owned()),
        )
    }
}

/// `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`; `None` when a
/// variable has neither a value nor a default.
pub fn interpolate(text: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(rest.get(..i)?);
        let after = rest.get(i + 1..)?;
        if let Some(braced) = after.strip_prefix('{') {
            let end = braced.find('}')?;
            let expr = braced.get(..end)?;
            let (name, default) = match expr
                .find(":-")
                .map(|j| (j, 2))
                .or_else(|| expr.find('-').map(|j| (j, 1)))
            {
                Some((j, len)) => (expr.get(..j)?, Some(expr.get(j + len..)?)),
                None => (expr, None),
            };
            let value = vars
                .get(name)
                .filter(|v| !v.is_empty())
                .map(String::as_str)
                .or(default)?;
            out.push_str(value);
            rest = braced.get(end + 1..)?;
        } else if let Some(escaped) = after.strip_prefix('$') {
            out.push('$');
            rest = escaped;
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = after.get(..len)?;
            out.push_str(vars.get(name)?);
            rest = after.get(len..)?;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// A logical Dockerfile instruction: continuation lines joined, with the
/// span of its first line.
struct Instruction {
    keyword: String,
    args: String,
    /// Byte offset of `args` in the file (valid while no continuation
    /// precedes the part of interest, which holds for `FROM`).
    args_offset: usize,
}

/// Heredoc delimiters an instruction opens (`RUN <<EOF`, `COPY <<-"A" <<B`).
fn heredoc_delimiters(args: &str) -> Vec<String> {
    args.match_indices("<<")
        .filter_map(|(i, _)| {
            let rest = args.get(i + 2..)?.trim_start_matches('-');
            let word: String = rest
                .trim_matches(|c| c == '"' || c == '\'')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!word.is_empty()).then_some(word)
        })
        .collect()
}

fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut current: Option<Instruction> = None;
    // Heredoc bodies still to skip, in order: their lines are data.
    let mut heredocs: Vec<String> = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if let Some(delimiter) = heredocs.first() {
            if trimmed == delimiter {
                heredocs.remove(0);
            }
            continue;
        }
        if trimmed.starts_with('#') {
            continue;
        }
        let (body, continues) = match trimmed.trim_end().strip_suffix('\\') {
            Some(b) => (b, true),
            None => (trimmed, false),
        };
        match current.as_mut() {
            Some(inst) => {
                inst.args.push(' ');
                inst.args.push_str(body.trim());
            }
            None if !body.trim().is_empty() => {
                let keyword_len = body.find(char::is_whitespace).unwrap_or(body.len());
                let keyword = body.get(..keyword_len).unwrap_or("").to_ascii_uppercase();
                let args_part = body.get(keyword_len..).unwrap_or("");
                let lead = args_part.len() - args_part.trim_start().len();
                let args_offset = start + (line.len() - trimmed.len()) + keyword_len + lead;
                current = Some(Instruction {
                    keyword,
                    args: args_part.trim().to_owned(),
                    args_offset,
                });
            }
            None => {}
        }
        if !continues && let Some(inst) = current.take() {
            heredocs = heredoc_delimiters(&inst.args);
            out.push(inst);
        }
    }
    out.extend(current);
    out
}

/// Words of an instruction's arguments with their byte offsets.
fn words_with_offsets(args: &str) -> impl Iterator<Item = (usize, &str)> {
    args.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - args.as_ptr() as usize, w))
}

/// A parsed Dockerfile and the base images it pulls in.
pub type ParsedDockerfile = (Dockerfile, Vec<Component>);

pub fn parse_dockerfile(source: &SourceFile) -> Result<ParsedDockerfile, FileProblem> {
    let mut global_args: HashMap<String, String> = HashMap::new();
    let mut aliases: Vec<(String, usize)> = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for inst in instructions(&source.text) {
        match inst.keyword.as_str() {
            "ARG" if stages.is_empty() => {
                for decl in inst.args.split_whitespace() {
                    let (name, value) = decl.split_once('=').unwrap_or((decl, ""));
                    global_args.insert(name.to_owned(), value.trim_matches('"').to_owned());
                }
            }
            "FROM" => {
                let mut words =
                    words_with_offsets(&inst.args).skip_while(|(_, w)| w.starts_with("--"));
                let Some((offset, image_word)) = words.next() else {
                    return Err(FileProblem::Unparsable {
                        location: source.location(inst.args_offset..inst.args_offset),
                        message: "`FROM` without an image".to_owned(),
                    });
                };
                let alias = match (words.next(), words.next()) {
                    (Some((_, kw)), Some((_, name))) if kw.eq_ignore_ascii_case("as") => {
                        Some(name.to_ascii_lowercase())
                    }
                    _ => None,
                };
                let span = inst.args_offset + offset..inst.args_offset + offset + image_word.len();
                let resolved = interpolate(image_word, &global_args);
                let parent = resolved.as_deref().and_then(|i| {
                    aliases
                        .iter()
                        .rev()
                        .find(|(a, _)| *a == i.to_ascii_lowercase())
                        .map(|(_, index)| *index)
                });
                let scratch = resolved
                    .as_deref()
                    .is_some_and(|i| i.eq_ignore_ascii_case("scratch"));
                let image =
                    resolved
                        .filter(|_| parent.is_none() && !scratch)
                        .and_then(|reference| {
                            let parsed = ImageRef::parse(&reference)?;
                            Some(BaseImage {
                                tag: parsed.tag,
                                digest: parsed.digest,
                                reference,
                                location: source.location(span.clone()),
                            })
                        });
                let line = source.location(inst.args_offset..inst.args_offset).line;
                let from = source.location(source.index.line_span(&source.text, line));
                if let Some(a) = alias {
                    aliases.push((a, stages.len()));
                }
                stages.push(Stage {
                    from,
                    image,
                    scratch,
                    parent,
                    users: Vec::new(),
                    runs: false,
                });
            }
            "CMD" | "ENTRYPOINT" => {
                if let Some(stage) = stages.last_mut() {
                    stage.runs = true;
                }
            }
            "USER" => {
                if let (Some(stage), Some((offset, user))) =
                    (stages.last_mut(), words_with_offsets(&inst.args).next())
                {
                    let at = inst.args_offset + offset;
                    stages_push_user(stage, user, source.location(at..at + user.len()));
                }
            }
            _ => {}
        }
    }
    let last = stages.len().saturating_sub(1);
    let components = stages
        .iter()
        .enumerate()
        .filter_map(|(i, stage)| {
            let image = stage.image.as_ref()?;
            let reference = ImageRef::parse(&image.reference)?;
            Some(Component {
                purl: reference.purl(),
                requirement: None,
                // Only the final stage's base ships; earlier stages feed it.
                scope: if i == last {
                    Scope::Runtime
                } else {
                    Scope::Build
                },
                direct: true,
                source: reference.source(),
                license: None,
                license_note: None,
                location: image.location.clone(),
            })
        })
        .collect();
    Ok((
        Dockerfile {
            path: source.path.clone(),
            stages,
        },
        components,
    ))
}

fn stages_push_user(stage: &mut Stage, user: &str, location: crate::location::Location) {
    stage.users.push(crate::facts::Spanned {
        value: user.to_owned(),
        location,
    });
}

/// A compose file's services, before interpolation.
pub struct Compose {
    pub path: RelPath,
    images: Vec<(String, Range<usize>)>,
}

#[derive(Deserialize)]
struct RawCompose {
    services: Option<SpannedMap<RawService>>,
}

#[derive(Deserialize)]
struct RawService {
    image: Option<Spanned<String>>,
    build: Option<serde::de::IgnoredAny>,
}

pub fn parse_compose(source: &SourceFile) -> Result<Compose, FileProblem> {
    let raw: RawCompose = yaml::from_source(source).map_err(|e| FileProblem::Unparsable {
        location: source.location(e.span),
        message: e.message,
    })?;
    let images = raw
        .services
        .into_iter()
        .flat_map(|s| s.0)
        // A service with `build:` builds its image; `image:` only names it.
        .filter(|(_, service)| service.build.is_none())
        .filter_map(|(_, service)| {
            service
                .image
                .map(|image| (image.value.clone(), yaml::span(&image, source)))
        })
        .collect();
    Ok(Compose {
        path: source.path.clone(),
        images,
    })
}

/// `KEY=value` lines of a `.env` file.
pub fn parse_dotenv(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches("export ").split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_owned(),
                v.trim().trim_matches(|c| c == '"' || c == '\'').to_owned(),
            )
        })
        .collect()
}

/// Compose images, interpolated with the `.env` beside each compose file.
pub fn resolve_compose(
    composes: &[Compose],
    dotenvs: &HashMap<String, HashMap<String, String>>,
    sources: &std::collections::BTreeMap<RelPath, std::sync::Arc<SourceFile>>,
) -> Vec<Component> {
    let empty = HashMap::new();
    let mut out = Vec::new();
    for compose in composes {
        let Some(file) = sources.get(&compose.path) else {
            continue;
        };
        let vars = dotenvs.get(compose.path.parent()).unwrap_or(&empty);
        for (image, span) in &compose.images {
            let Some(reference) = interpolate(image, vars).and_then(|i| ImageRef::parse(&i)) else {
                continue;
            };
            out.push(Component {
                purl: reference.purl(),
                requirement: None,
                scope: Scope::Runtime,
                direct: true,
                source: reference.source(),
                license: None,
                license_note: None,
                location: file.location(span.clone()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_normalise_docker_hub() {
        let p = |s: &str| ImageRef::parse(s).map(|r| r.purl().to_string());
        assert_eq!(
            p("nginx:1.27").as_deref(),
            Some("pkg:docker/library/nginx@1.27")
        );
        assert_eq!(
            p("docker.io/library/nginx").as_deref(),
            Some("pkg:docker/library/nginx")
        );
        assert_eq!(
            p("bitnami/redis:7.2").as_deref(),
            Some("pkg:docker/bitnami/redis@7.2")
        );
        assert_eq!(
            p("ghcr.io/o/app:1@sha256:abc").as_deref(),
            Some("pkg:docker/o/app@sha256:abc?repository_url=ghcr.io&tag=1")
        );
        assert_eq!(
            p("python@sha256:abc").as_deref(),
            Some("pkg:docker/library/python@sha256:abc")
        );
        assert_eq!(
            p("localhost:5000/app:dev").as_deref(),
            Some("pkg:docker/app@dev?repository_url=localhost:5000")
        );
        assert_eq!(p("$IMAGE"), None);
    }

    #[test]
    fn interpolation() {
        let vars: HashMap<String, String> = [("TAG".to_owned(), "3.12".to_owned())].into();
        assert_eq!(
            interpolate("python:${TAG}", &vars).as_deref(),
            Some("python:3.12")
        );
        assert_eq!(
            interpolate("redis:${R:-7}", &vars).as_deref(),
            Some("redis:7")
        );
        assert_eq!(
            interpolate("x:$TAG-slim", &vars).as_deref(),
            Some("x:3.12-slim")
        );
        assert_eq!(interpolate("x:${NOPE}", &vars), None);
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let text = "FROM alpine:3.20\nRUN <<EOF\nFROM evil:latest\nUSER root\nEOF\nCOPY <<-\"A\" /a\nFROM also:data\nA\nUSER app\n";
        let source = SourceFile::new(RelPath::new("Dockerfile"), text.to_owned());
        let (d, c) = parse_dockerfile(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c.len(), 1);
        assert_eq!(d.stages[0].users.len(), 1);
        assert_eq!(d.stages[0].users[0].value, "app");
    }

    #[test]
    fn dockerfile_stages_and_users() {
        let text = "FROM golang:1.22 AS build\nUSER root\nFROM build AS test\nUSER 1000:1000\nFROM scratch\n";
        let source = SourceFile::new(RelPath::new("Dockerfile"), text.to_owned());
        let (d, _) = parse_dockerfile(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.stages.len(), 3);
        assert_eq!(d.stages[1].parent, Some(0));
        assert_eq!(d.stages[1].users[0].value, "1000:1000");
        assert_eq!(d.stages[1].users[0].location.line, 4);
        assert!(d.stages[2].scratch);
        assert_eq!(
            d.stages[0]
                .image
                .as_ref()
                .and_then(|i| i.tag.clone())
                .as_deref(),
            Some("1.22")
        );
    }

    #[test]
    fn dockerfile_from_lines() {
        let text = "# syntax=docker/dockerfile:1\nARG BASE=python:3.12-slim\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build \\\n  ./...\nFROM ${BASE}\nFROM build AS test\nFROM scratch\nCOPY --from=build /app /app\n";
        let source = SourceFile::new(RelPath::new("Dockerfile"), text.to_owned());
        let (_, c) = parse_dockerfile(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let summary: Vec<_> = c
            .iter()
            .map(|c| {
                (
                    c.purl.to_string(),
                    c.scope,
                    c.location.line,
                    &text[c.location.span.clone()],
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "pkg:docker/library/golang@1.22".to_owned(),
                    Scope::Build,
                    3,
                    "golang:1.22"
                ),
                (
                    "pkg:docker/library/python@3.12-slim".to_owned(),
                    Scope::Build,
                    6,
                    "${BASE}"
                ),
            ]
        );
        let source = SourceFile::new(
            RelPath::new("Dockerfile"),
            "FROM golang:1.22 AS b
FROM gcr.io/distroless/static:nonroot
"
            .to_owned(),
        );
        let (_, c) = parse_dockerfile(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c[1].scope, Scope::Runtime);
        assert_eq!(
            c[1].purl.to_string(),
            "pkg:docker/distroless/static@nonroot?repository_url=gcr.io"
        );
    }
}
