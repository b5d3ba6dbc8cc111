//! Fire and near miss for every pattern class. Secret-shaped literals are
//! assembled at run time so this file holds none.

use super::*;
use crate::location::RelPath;

fn hits_in(path: &str, text: &str) -> Vec<(String, String)> {
    let source = SourceFile::new(RelPath::new(path), text.to_owned());
    let lang = Language::of(path, crate::discover::FileKind::Other);
    scan(&source, lang, PathContext::Production)
        .into_iter()
        .map(|h| (format!("{:?}", h.kind), h.shown))
        .collect()
}

fn kinds(path: &str, text: &str) -> Vec<String> {
    hits_in(path, text).into_iter().map(|(k, _)| k).collect()
}

/// A GitHub-style token with a valid CRC-32 checksum.
fn checksummed(prefix: &str, random: &str) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = u64::from(text::crc32(random.as_bytes()));
    let mut sum = [b'0'; 6];
    for slot in sum.iter_mut().rev() {
        *slot = DIGITS.get((n % 62) as usize).copied().unwrap_or(b'0');
        n /= 62;
    }
    format!("{prefix}{random}{}", String::from_utf8_lossy(&sum))
}

const RANDOM30: &str = "q8ZrT3vLm2Xw9KpB4nYc7HdJ5sGf1A";

#[test]
fn github_and_npm_tokens_need_their_checksum() {
    let good = checksummed("ghp_", RANDOM30);
    let found = hits_in("a.env", &format!("TOKEN={good}\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found.first().map(|h| h.1.as_str()), Some("ghp_…"));
    // The same shape with a wrong checksum was never issued.
    let bad = format!("ghp_{RANDOM30}AAAAAA");
    assert!(hits_in("a.env", &format!("TOKEN={bad}\n")).is_empty());
    let npm = checksummed("npm_", RANDOM30);
    assert_eq!(
        kinds("x.npmrc", &format!("//r/:_authToken={npm}\n")).len(),
        1
    );
    // Placeholders of the shape.
    assert!(hits_in("a.env", &format!("T=ghp_{}\n", "x".repeat(36))).is_empty());
}

#[test]
fn aws_key_ids_pair_with_their_secret() {
    let id = format!("{}{}", "AKIA", "Q3ZL7RXN2WTV4KPM");
    let secret = format!("{}{}", "k7Hq2Lx9Vb4Nw8Rt1Yc6Zp3Md5", "Fj0Gs+Ta/Eu2Wn");
    let pair = format!("aws_access_key_id = {id}\naws_secret_access_key = {secret}\n");
    let found = hits_in("credentials.ini", &pair);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found.iter().all(|(k, _)| k.contains("AWS access key pair")),
        "{found:?}"
    );
    let source = SourceFile::new(RelPath::new("c.ini"), pair.clone());
    let hits = scan(&source, Language::Ini, PathContext::Production);
    let masked = redacted(&pair, &hits).unwrap_or_default();
    assert!(
        !masked.contains(&secret) && !masked.contains(&id),
        "{masked}"
    );
    // Alone: an identifier, reported at medium confidence.
    let alone = scan(
        &SourceFile::new(RelPath::new("c.ini"), format!("key = {id}\n")),
        Language::Ini,
        PathContext::Production,
    );
    assert_eq!(
        alone.first().map(|h| h.confidence),
        Some(Confidence::Medium)
    );
    // AWS's documented example key and low-entropy stand-ins.
    assert!(hits_in("c.ini", "key = AKIAIOSFODNN7EXAMPLE\n").is_empty());
    assert!(
        hits_in(
            "c.ini",
            &format!("key = {}{}\n", "AKIA", "FAKEFAKEFAKEFAKE")
        )
        .is_empty()
    );
    assert!(hits_in("c.ini", &format!("k = {}{}\n", "AKIA", "XXXXXXXXXXXXXXXX")).is_empty());
}

#[test]
fn private_keys_need_a_body() {
    let body: String = (0..20)
        .map(|i| {
            format!(
                "{}{i:02}\n",
                "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
            )
        })
        .collect();
    let begin = format!("-----BEGIN {}-----", "PRIVATE KEY");
    let end = format!("-----END {}-----", "PRIVATE KEY");
    let key = format!("{begin}\n{body}{end}\n");
    assert_eq!(kinds("k.pem", &key).len(), 1);
    // Only the header (a parser's constant, documentation).
    assert!(hits_in("k.go", &format!("const header = \"{begin}\"\n")).is_empty());
    assert!(hits_in("k.md", &format!("{begin}\n...\n{end}\n")).is_empty());
    // The body is masked in any kept text.
    let source = SourceFile::new(RelPath::new("k.pem"), key.clone());
    let hits = scan(&source, Language::Other, PathContext::Production);
    let masked = redacted(&key, &hits).unwrap_or_default();
    assert!(
        masked.starts_with(&begin) && !masked.contains("MIIEvQIB"),
        "{masked}"
    );
    // In a JSON string with `\n` escapes (a service account file).
    let escaped = format!(
        "{{\"private_key\": \"{begin}\\n{}\\n{end}\\n\"}}",
        body.replace('\n', "\\n")
    );
    assert_eq!(kinds("sa.json", &escaped).len(), 1);
}

#[test]
fn passwords_in_urls() {
    let found = hits_in(
        ".env",
        &format!(
            "DATABASE_URL=postgres://app:{}@db.corp.example.io:5432/app\n",
            "s3cr3t-Value-9x"
        ),
    );
    assert_eq!(found.first().map(|h| h.1.as_str()), Some("s3cr…"));
    for quiet in [
        "postgres://user:password@localhost/db",
        "postgresql://guac:guac@db.example.io/guac",
        "https://u:p@host.io/",
        "url = https://user:${DB_PASSWORD}@db.io/x",
        "https://REDACTED:REDACTED@github.com/x",
        "redis://[[username][:password]@][host][:port]",
        "mysql://root:Zq8rT2mW9xLp@db.test/app",
        "uses: docker://image:tag@sha256:0123",
    ] {
        assert!(hits_in(".env", quiet).is_empty(), "{quiet}");
    }
    // Short passwords show no character at all.
    let short = hits_in(".env", "U=https://deploy:Zq8rT2mW@npm.corp.io/\n");
    assert_eq!(short.first().map(|h| h.1.as_str()), Some("…"));
}

#[test]
fn generic_assignments_need_entropy_and_a_literal() {
    let value = "Zq8#rT2!mW9xLp4v";
    assert_eq!(
        kinds("settings.py", &format!("DB_PASSWORD = \"{value}\"\n")).len(),
        1
    );
    assert_eq!(kinds("app.yaml", &format!("api_key: {value}\n")).len(), 1);
    for quiet in [
        "DB_PASSWORD = os.environ[\"DB_PASSWORD\"]\n",
        "password = \"changeme\"\n",
        "password = get_password()\n",
        "api_key: ${API_KEY}\n",
        "token: \"your_token_here\"\n",
        "password_file = \"/run/secrets/db_password\"\n",
        "secret = \"abcdefghijklmnop\"\n",
        "if password == \"Zq8#rT2!mW9xLp4v\":\n",
        "PGP_SIGN_KEY_PASSPHRASE=pgp:PGP_SIGN_KEY_PASSPHRASE\n",
        "next_token = \"Zq8rT2mW9xLp4v7K\"\n",
    ] {
        assert!(kinds("settings.py", quiet).is_empty(), "{quiet}");
    }
    // In code a bare identifier is a variable, not a literal.
    assert!(kinds("a.js", "const password = passwordFromVault;\n").is_empty());
}

#[test]
fn other_provider_formats() {
    let slack = format!(
        "{}-{}-{}-{}",
        "xoxb", "123456789012", "1234567890123", "q8ZrT3vLm2Xw9KpB4nYc7HdJ"
    );
    assert_eq!(kinds("a.json", &format!("{{\"t\": \"{slack}\"}}")).len(), 1);
    assert!(
        kinds(
            "a.json",
            &format!("{{\"t\": \"{}-{}\"}}", "xoxb", "0000000000-FAKEFAKEFAKE")
        )
        .is_empty()
    );
    let stripe = format!("{}{}", "sk_live_", "q8ZrT3vLm2Xw9KpB4nYc7HdJ");
    assert_eq!(
        kinds("a.rb", &format!("Stripe.api_key = '{stripe}'\n")).len(),
        1
    );
    assert!(
        kinds(
            "a.rb",
            "Stripe.api_key = 'sk_test_q8ZrT3vLm2Xw9KpB4nYc7HdJ'\n"
        )
        .is_empty()
    );
}

#[test]
fn jwts_need_a_real_signature() {
    let header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    let payload = "eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIn0";
    let signature = "Xq3VbN9rT0mLw2Zp8Kc5Yh1Jd7Fs4Gt6Qa0Eu2Wn8Rk";
    assert_eq!(
        kinds(
            "a.js",
            &format!("const t = '{header}.{payload}.{signature}';\n")
        )
        .len(),
        1
    );
    // jwt.io's sample and text "signatures".
    let sample = format!(
        "{header}.{}.{}",
        "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    );
    assert!(kinds("a.js", &sample).is_empty());
    assert!(
        kinds(
            "a.md",
            &format!("{header}.{payload}.ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw")
        )
        .is_empty()
    );
}

#[test]
fn tls_in_code_only_outside_comments_and_docs() {
    assert_eq!(
        kinds("a.py", "r = requests.get(u, verify=False)\n").len(),
        1
    );
    assert!(kinds("a.py", "# never call requests.get(u, verify=False)\n").is_empty());
    assert!(kinds("a.py", "\"\"\"Pass verify=False to skip.\"\"\"\n").is_empty());
    assert!(kinds("a.py", "r = requests.get(u, verify=True)\n").is_empty());
    assert_eq!(kinds("a.py", "ctx.check_hostname = False\n").len(), 1);
    assert_eq!(kinds("a.py", "ctx.verify_mode = ssl.CERT_NONE\n").len(), 1);
    assert!(kinds("a.py", "if ctx.verify_mode == ssl.CERT_NONE:\n").is_empty());
    assert_eq!(
        kinds("a.py", "ctx = ssl._create_unverified_context()\n").len(),
        1
    );
    assert_eq!(
        kinds("a.js", "new https.Agent({ rejectUnauthorized: false })\n").len(),
        1
    );
    assert!(kinds("a.js", "// we don't want NODE_TLS_REJECT_UNAUTHORIZED=0\n").is_empty());
    assert!(
        kinds(
            "a.js",
            "throw new Error(\"do not set NODE_TLS_REJECT_UNAUTHORIZED=0\")\n"
        )
        .is_empty()
    );
    assert_eq!(
        kinds("a.js", "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';\n").len(),
        1
    );
    assert_eq!(
        kinds("a.go", "c := &tls.Config{InsecureSkipVerify: true}\n").len(),
        1
    );
    assert!(kinds("a.go", "c := &tls.Config{InsecureSkipVerify: false}\n").is_empty());
    assert_eq!(
        kinds("a.rs", "let c = b.danger_accept_invalid_certs(true);\n").len(),
        1
    );
    assert!(kinds("a.rs", "let s = \"danger_accept_invalid_certs(true)\";\n").is_empty());
    assert_eq!(
        kinds(
            "A.java",
            "b.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);\n"
        )
        .len(),
        1
    );
    assert_eq!(
        kinds(
            "A.java",
            "public void checkServerTrusted(X509Certificate[] c, String a) { }\n"
        )
        .len(),
        1
    );
    assert!(
        kinds(
            "A.java",
            "public void checkServerTrusted(X509Certificate[] c, String a) { verify(c); }\n"
        )
        .is_empty()
    );
    // A pattern in another language's file means nothing there.
    assert!(kinds("a.rs", "fn f() { g(verify=False) }\n").is_empty());
}

#[test]
fn tls_in_configuration() {
    for fire in [
        (
            "otel.yaml",
            "exporters:\n  otlp:\n    tls:\n      insecure_skip_verify: true\n",
        ),
        (
            "otel.yaml",
            "exporters:\n  otlp:\n    tls: { insecure: true }\n",
        ),
        ("prom.yaml", "tls_config:\n  insecure_skip_verify: true\n"),
        ("compose.env", "X_TLS_INSECURE_SKIP_VERIFY=true\n"),
        ("a.json", "{\"tls\": {\"insecureSkipVerify\": true}}"),
        ("app.toml", "[tls]\ninsecure = true\n"),
        ("a.yaml", "ssl_verify: false\n"),
        ("a.yaml", "verify_ssl: false\n"),
        ("x.npmrc", "strict-ssl=false\n"),
        ("run.sh", "git config --global http.sslVerify false\n"),
        ("run.sh", "curl -fsSLk https://x.io/install | sh\n"),
        ("run.sh", "wget --no-check-certificate https://x.io/a\n"),
        (
            "db.yaml",
            "url: postgres://app@db.corp.io:5432/app?sslmode=disable\n",
        ),
        (
            "kube.yaml",
            "clusters:\n- cluster:\n    insecure-skip-tls-verify: true\n",
        ),
    ] {
        assert_eq!(kinds(fire.0, fire.1).len(), 1, "{fire:?}");
    }
    for quiet in [
        ("a.yaml", "# insecure_skip_verify: true\n"),
        ("a.yaml", "insecure_skip_verify: false\n"),
        ("a.yaml", "registry:\n  insecure: true\n"),
        (
            "db.yaml",
            "url: postgres://app@localhost:5432/app?sslmode=disable\n",
        ),
        (
            "db.yaml",
            "url: postgres://app@postgres:5432/app?sslmode=disable\n",
        ),
        ("run.sh", "curl -fsSL https://x.io -o k\n"),
        ("run.sh", "# curl -k https://x.io\n"),
        ("a.md", "Use `curl -k` only for testing.\n"),
    ] {
        assert!(kinds(quiet.0, quiet.1).is_empty(), "{quiet:?}");
    }
}

#[test]
fn plain_http_only_where_a_client_connects() {
    for fire in [
        ("a.yaml", "endpoint: http://api.partner.io/v1\n"),
        ("a.json", "{\"registry\": \"http://npm.corp.io/\"}"),
        ("a.py", "r = requests.get(\"http://api.partner.io/v1\")\n"),
        ("a.js", "fetch(`http://api.partner.io/${id}`)\n"),
        (
            "ci.sh",
            "curl -fsSL http://get.partner.io/install.sh | sh\n",
        ),
        ("Dockerfile", "ADD http://get.partner.io/tool.tgz /opt/\n"),
        ("a.env", "API_URL=http://api.partner.io\n"),
    ] {
        assert_eq!(kinds(fire.0, fire.1).len(), 1, "{fire:?}");
    }
    for quiet in [
        (
            "a.json",
            "{\"$schema\": \"http://json-schema.org/draft-07/schema#\"}",
        ),
        ("a.yaml", "# see http://api.partner.io/\n"),
        ("a.yaml", "https_proxy: http://squid-proxy:3128\n"),
        ("a.yaml", "HTTP_PROXY: http://proxy.corp.io:3128\n"),
        (
            "a.yaml",
            "info:\n  termsOfService: http://swagger.io/terms/\n  license:\n    url: http://www.apache.org/licenses/LICENSE-2.0.html\n",
        ),
        (
            "package.json",
            "{\"homepage\": \"http://partner.io\", \"repository\": {\"url\": \"http://github.com/a/b\"}}",
        ),
        ("a.yaml", "db: http://db:5432\n"),
        ("a.yaml", "api: http://api.default.svc.cluster.local\n"),
        ("a.yaml", "api: http://10.0.0.12:8080\n"),
        ("a.yaml", "api: http://metadata.internal/x\n"),
        (
            "a.py",
            "raise ValueError(\"see http://api.partner.io/docs\")\n",
        ),
        ("a.py", "# http://api.partner.io\n"),
        (
            "a.xml",
            "<a xmlns=\"http://maven.apache.org/POM/4.0.0\"/>\n",
        ),
        ("README.md", "see http://api.partner.io/\n"),
        (
            "a.yaml",
            "description: Visit http://api.partner.io for docs\n",
        ),
    ] {
        assert!(kinds(quiet.0, quiet.1).is_empty(), "{quiet:?}");
    }
}

#[test]
fn url_spans_end_where_the_url_ends() {
    let shown = |t: &str| {
        hits_in("a.yaml", t)
            .into_iter()
            .map(|h| h.1)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        shown("smtp: http://email.corp.io:${EMAIL_PORT}\n"),
        ["http://email.corp.io:${EMAIL_PORT}"]
    );
    assert_eq!(
        shown("url: http://grafana.domain.io/.\n"),
        ["http://grafana.domain.io/"]
    );
    assert_eq!(
        shown("url: (http://grafana.domain.io/x)\n"),
        ["http://grafana.domain.io/x"]
    );
    assert_eq!(
        shown("endpoints: [http://a.corp.io](http://b.corp.io)\n"),
        ["http://a.corp.io", "http://b.corp.io"]
    );
}

#[test]
fn pathological_input_stays_linear_and_bounded() {
    let line = "http://x.io/".repeat(10 * 1024 * 1024 / 12);
    let found = find(&format!("url: {line}\n"), Language::Yaml);
    assert!(found.len() <= MAX_HITS_PER_KIND);
    let spaced = "url: \"http://x.io/\" ".repeat(50_000);
    assert!(find(&spaced, Language::Yaml).len() <= MAX_HITS_PER_KIND);
    let keys = "password=".repeat(50_000);
    assert!(find(&keys, Language::Env).len() <= MAX_HITS_PER_KIND);
    let pairs = "AKIAQWERTYUIOPASDFGH ".repeat(50_000);
    assert_eq!(find(&pairs, Language::Env).len(), MAX_HITS_PER_KIND);
    let urls = "u=http://x.io/\n".repeat(50_000);
    assert_eq!(find(&urls, Language::Env).len(), MAX_HITS_PER_KIND);
}

#[test]
fn redaction_never_shows_short_secrets_and_keeps_offsets() {
    assert_eq!(redact("short-pass"), "…");
    assert_eq!(redact("a-longer-secret"), "a-lo…");
    let text = format!("a = {}\nb", checksummed("ghp_", RANDOM30));
    let source = SourceFile::new(RelPath::new("f"), text.clone());
    let found = scan(&source, Language::Python, PathContext::Production);
    let masked = redacted(&text, &found).unwrap_or_default();
    assert_eq!(masked.len(), text.len());
    assert!(masked.starts_with("a = ghp_****"), "{masked}");
    assert!(!masked.contains(RANDOM30));
    // Non-ASCII bytes inside a secret are masked too, on char boundaries.
    let uni = "P=postgres://u:pässwört-Zq8rT2@db.corp.io/x\n";
    let source = SourceFile::new(RelPath::new(".env"), uni.to_owned());
    let found = scan(&source, Language::Env, PathContext::Production);
    let masked = redacted(uni, &found).unwrap_or_default();
    assert!(
        !masked.contains("ssw") && masked.len() == uni.len(),
        "{masked}"
    );
}

#[test]
fn every_anchor_compiles_into_the_prefilter() {
    assert!(PREFILTER.is_some());
    assert!(anchors().iter().all(|(a, _)| a.is_ascii() && !a.is_empty()));
}

#[test]
fn tls_to_an_internal_endpoint() {
    let otel = "exporters:\n  otlp/jaeger:\n    endpoint: \"jaeger:4317\"\n    tls:\n      insecure: true\n  otlp/saas:\n    endpoint: \"otlp.vendor.io:4317\"\n    tls:\n      insecure: true\n";
    let found = hits_in("otelcol.yml", otel);
    assert_eq!(found.len(), 1, "{found:?}");
}
