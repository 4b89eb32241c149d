//! Solidity bindings of the suite, generated from the exported ABIs in
//! `abi/` (the one source of truth for selectors and types).

#![allow(missing_docs, clippy::all)]

use alloy::sol;

sol!(
    #[sol(all_derives)]
    IpCollection,
    "../abi/IpCollection.json"
);
sol!(
    #[sol(all_derives)]
    IpEditions,
    "../abi/IpEditions.json"
);
sol!(
    #[sol(all_derives)]
    LicenseMarket,
    "../abi/LicenseMarket.json"
);
sol!(
    #[sol(all_derives)]
    ProvenanceRegistry,
    "../abi/ProvenanceRegistry.json"
);
sol!(
    #[sol(all_derives)]
    ShareVault,
    "../abi/ShareVault.json"
);
sol!(
    #[sol(all_derives)]
    VaultFactory,
    "../abi/VaultFactory.json"
);
sol!(
    #[sol(all_derives)]
    Split,
    "../abi/Split.json"
);
sol!(
    #[sol(all_derives)]
    SplitFactory,
    "../abi/SplitFactory.json"
);
sol!(
    #[sol(all_derives)]
    ShareOffering,
    "../abi/ShareOffering.json"
);
sol!(
    #[sol(all_derives)]
    ShareBuyout,
    "../abi/ShareBuyout.json"
);
