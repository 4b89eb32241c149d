# Source this before running the unmodified `cargo stylus check|deploy` in a
# contracts/<crate> directory on a machine whose rustup toolchain has no
# wasm32-unknown-unknown target (the README's Debian setup: rustc-web,
# rust-web-src, lld-19). cargo-stylus runs `cargo build --lib --release
# --target wasm32-unknown-unknown`; these variables make that cargo compile
# with Debian's rustc and build std from source, as `cargo ip build` does.
# With rustup's wasm32 target installed, nothing is exported.
#
#   . scripts/cargo-stylus-env.sh
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "rustup has wasm32-unknown-unknown: cargo stylus needs no extra environment" >&2
else
    export RUSTC=/usr/bin/rustc
    export RUSTC_BOOTSTRAP=1
    export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19
    export RUSTUP_AUTO_INSTALL=0
fi
