//! Prints the contract's full Solidity interface (`--features export-abi`).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    stylus_ip_common::export::print_interface::<share_buyout::ShareBuyout>(share_buyout::SOL_DECLS);
}
