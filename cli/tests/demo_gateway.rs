//! `stylus-ip demo` as a process (the README's main command) on the embedded
//! devnode: the story runs to the end, and licensee Cy is served by the
//! licence-gated gateway (an attested PNG) while licensed and refused with
//! 402 `licence_required` after the 31-day warp. The story's amounts are
//! checked by the deploy crate's own demo test (without the gateway).
//! Needs the WASM in `target/wasm` (`cargo ip build`).

use std::process::Command;

#[test]
fn demo_cy_is_served_while_licensed_and_refused_after_the_lapse() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = std::env::temp_dir().join(format!(
        "stylus-ip-demo-gateway-{}.json",
        std::process::id()
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_stylus-ip"))
        .args(["demo", "--skip-build", "--manifest"])
        .arg(&manifest)
        .current_dir(&root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let served = stdout
        .lines()
        .find(|l| l.contains("Cy calls the model through the gateway:"))
        .unwrap_or_else(|| panic!("no gateway call while licensed:\n{stdout}"));
    assert!(served.contains("served (200): PNG sha-256 0x"), "{served}");
    assert!(served.contains("attested by the lab"), "{served}");
    let refused = stdout
        .lines()
        .find(|l| l.contains("Cy calls the model again:"))
        .unwrap_or_else(|| panic!("no gateway call after the lapse:\n{stdout}"));
    assert!(refused.contains("refused (402)"), "{refused}");
    let json: serde_json::Value =
        serde_json::from_str(refused.split_once("refused (402): ").unwrap().1).unwrap();
    assert_eq!(json["code"], "licence_required");
    // the lapse comes after the served call, and the story ends
    assert!(stdout.find(served).unwrap() < stdout.find(refused).unwrap());
    assert!(stdout.contains("scenario done:"));
    let _ = std::fs::remove_file(&manifest);
}
