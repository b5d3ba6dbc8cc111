//! What language a file is written in, as far as the content checks care:
//! its comment syntax, and whether it holds code, configuration, shell
//! commands or prose.

use super::lexer::Syntax;
use crate::discover::FileKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Python,
    Ruby,
    /// JavaScript and TypeScript.
    Js,
    Go,
    Rust,
    /// Java, Kotlin, Scala, Groovy, C#.
    Jvm,
    /// C, C++, Objective-C, Swift, Dart.
    CLike,
    Php,
    Shell,
    Dockerfile,
    Makefile,
    Yaml,
    Json,
    Toml,
    Ini,
    /// `.env` files and Java `.properties`.
    Env,
    Xml,
    /// Markdown, reStructuredText, plain text, HTML.
    Prose,
    Other,
}

impl Language {
    /// The language of a file, by its kind and name.
    pub fn of(path: &str, kind: FileKind) -> Language {
        match kind {
            FileKind::Workflow
            | FileKind::ActionManifest
            | FileKind::Compose
            | FileKind::PnpmLock
            | FileKind::PreCommitConfig
            | FileKind::Dependabot => return Language::Yaml,
            FileKind::PackageJson | FileKind::PackageLock | FileKind::PipfileLock => {
                return Language::Json;
            }
            FileKind::CargoManifest
            | FileKind::CargoLock
            | FileKind::Pyproject
            | FileKind::Pipfile
            | FileKind::PoetryLock
            | FileKind::UvLock => return Language::Toml,
            FileKind::Dockerfile => return Language::Dockerfile,
            FileKind::DotEnv => return Language::Env,
            FileKind::RustBinary => return Language::Rust,
            FileKind::Requirements | FileKind::GoMod | FileKind::GoSum | FileKind::YarnLock => {
                return Language::Other;
            }
            FileKind::Other | FileKind::ProductFile | FileKind::QualityReport => {}
        }
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "py" | "pyi" | "pyw" => Language::Python,
            "rb" | "rake" | "gemspec" => Language::Ruby,
            "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "vue" | "svelte" => {
                Language::Js
            }
            "go" => Language::Go,
            "rs" => Language::Rust,
            "java" | "kt" | "kts" | "scala" | "groovy" | "gradle" | "cs" => Language::Jvm,
            "c" | "h" | "cc" | "cpp" | "cxx" | "hpp" | "m" | "mm" | "swift" | "dart" => {
                Language::CLike
            }
            "php" => Language::Php,
            "sh" | "bash" | "zsh" | "ksh" | "fish" | "bats" => Language::Shell,
            "mk" => Language::Makefile,
            "yml" | "yaml" => Language::Yaml,
            "json" | "jsonc" | "json5" | "tfstate" => Language::Json,
            "toml" => Language::Toml,
            "ini" | "cfg" | "conf" | "cnf" | "npmrc" | "gitconfig" | "pypirc" | "wgetrc"
            | "curlrc" => Language::Ini,
            "env" | "properties" => Language::Env,
            "xml" | "pom" | "csproj" | "plist" => Language::Xml,
            "md" | "markdown" | "rst" | "adoc" | "txt" | "html" | "htm" => Language::Prose,
            _ => Language::by_name(&name),
        }
    }

    fn by_name(name: &str) -> Language {
        match name {
            "makefile" | "gnumakefile" => Language::Makefile,
            "jenkinsfile" => Language::Jvm,
            "vagrantfile" | "gemfile" | "rakefile" => Language::Ruby,
            ".npmrc" | ".yarnrc" | ".pypirc" | "pip.conf" | ".gitconfig" | ".wgetrc"
            | ".curlrc" | ".editorconfig" => Language::Ini,
            ".bashrc" | ".profile" | ".zshrc" | ".bash_profile" | ".envrc" => Language::Shell,
            _ if name.starts_with(".env") || name.ends_with(".env") => Language::Env,
            _ if name.starts_with("dockerfile") || name.ends_with(".dockerfile") => {
                Language::Dockerfile
            }
            _ => Language::Other,
        }
    }

    pub fn is_code(self) -> bool {
        matches!(
            self,
            Language::Python
                | Language::Ruby
                | Language::Js
                | Language::Go
                | Language::Rust
                | Language::Jvm
                | Language::CLike
                | Language::Php
        )
    }

    pub fn is_config(self) -> bool {
        matches!(
            self,
            Language::Yaml | Language::Json | Language::Toml | Language::Ini | Language::Env
        )
    }

    /// Shell commands: scripts, Dockerfile `RUN`, Makefile recipes.
    pub fn is_shell(self) -> bool {
        matches!(
            self,
            Language::Shell | Language::Dockerfile | Language::Makefile
        )
    }

    /// Comment and string conventions, `None` where nothing is lexed.
    pub fn syntax(self) -> Option<Syntax> {
        match self {
            Language::Python
            | Language::Ruby
            | Language::Shell
            | Language::Dockerfile
            | Language::Makefile
            | Language::Yaml
            | Language::Toml
            | Language::Env => Some(Syntax::Hash),
            Language::Ini => Some(Syntax::Ini),
            Language::Js | Language::Go | Language::Jvm | Language::CLike => Some(Syntax::Slash),
            Language::Rust => Some(Syntax::Rust),
            Language::Php => Some(Syntax::SlashHash),
            Language::Json => Some(Syntax::Json),
            Language::Xml | Language::Prose | Language::Other => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_kind_and_name() {
        let of = |p| Language::of(p, FileKind::Other);
        assert_eq!(of("a/b.py"), Language::Python);
        assert_eq!(of("web/App.TSX"), Language::Js);
        assert_eq!(of("deploy/.env.production"), Language::Env);
        assert_eq!(of(".npmrc"), Language::Ini);
        assert_eq!(of("build/Dockerfile.dev"), Language::Dockerfile);
        assert_eq!(of("README.md"), Language::Prose);
        assert_eq!(of("LICENSE"), Language::Other);
        assert_eq!(
            Language::of("src/main.rs", FileKind::RustBinary),
            Language::Rust
        );
        assert_eq!(
            Language::of("x/compose.yaml", FileKind::Compose),
            Language::Yaml
        );
    }
}
