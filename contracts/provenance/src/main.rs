//! The contract's `export-abi` binary: its full Solidity interface, or with
//! `constructor` its constructor signature (see
//! `stylus_ip_common::export::run_exporter`).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    stylus_ip_common::export::run_exporter::<provenance::ProvenanceRegistry>(provenance::SOL_DECLS);
}
