//! `stylus-ip gateway` as a process: on the embedded devnode (the suite
//! deployed into a temporary manifest) on an ephemeral port, it prints its
//! URL and configuration, answers `/healthz` with a fresh chain watch, and
//! stops cleanly at SIGTERM (the configuration's derivation and refusals are
//! unit-tested in `src/gateway.rs`).
//! Needs the WASM in `target/wasm` (`cargo ip build`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A plain HTTP/1.0 GET: the status and the body.
fn get(base: &str, path: &str) -> (u16, String) {
    let host = base.strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

#[test]
fn gateway_on_the_embedded_devnode_serves_healthz_and_stops_at_sigterm() {
    let manifest =
        std::env::temp_dir().join(format!("stylus-ip-gateway-cli-{}.json", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_stylus-ip"))
        .args([
            "gateway",
            "--skip-build",
            "--listen",
            "127.0.0.1:0",
            "--manifest",
        ])
        .arg(&manifest)
        .current_dir(root())
        .env_remove("GATEWAY_LAB_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = Vec::new();
    let mut base = None;
    let start = Instant::now();
    while base.is_none() || !printed.iter().any(|l: &String| l.starts_with("Ctrl-C")) {
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "no URL printed: {printed:#?}"
        );
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "exited early: {printed:#?}"
        );
        if let Some(url) = line.trim().strip_prefix("stylus-ip gateway on ") {
            base = Some(url.to_string());
        }
        printed.push(line.trim_end().to_string());
    }
    let base = base.unwrap();
    // the configuration printed is the deployment's
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let market = m["contracts"]["license-market"]["address"]
        .as_str()
        .unwrap();
    let text = printed.join("\n").to_lowercase();
    assert!(
        text.contains(&format!("licence market {}", market.to_lowercase())),
        "{text}"
    );
    assert!(text.contains("chain 412346"), "{text}");
    assert!(text.contains("/v1/generate/generate"), "{text}");
    // the chain watch becomes fresh
    let start = Instant::now();
    loop {
        let (status, body) = get(&base, "/healthz");
        assert_eq!(status, 200, "{body}");
        let h: serde_json::Value = serde_json::from_str(&body).unwrap();
        if h["chainWatchFresh"] == true && h["chainTime"].as_u64().unwrap() > 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "watch never fresh: {h}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(get(&base, "/readyz").0, 200);
    // SIGTERM: a graceful stop, exit 0
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}: {rest}");
    assert!(rest.contains("gateway stopped"), "{rest}");
    let _ = std::fs::remove_file(&manifest);
}
