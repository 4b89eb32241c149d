//! The catalogue of measured user operations: id, group, label and the
//! state work that sets each one's storage floor ([`crate::floor`]).
//!
//! The scenarios (Solidity baselines and Stylus contracts) record gas under
//! these ids; the report lists them in this order.

use crate::floor::StateWork;

/// One user operation.
#[derive(Debug, Clone, Copy)]
pub struct OpSpec {
    /// Stable id (`results.json` key).
    pub id: &'static str,
    /// Group (contract family).
    pub group: &'static str,
    /// What the operation is, as the report shows it.
    pub label: &'static str,
    /// Unavoidable state work; `None` where a floor is not meaningful
    /// (a full contract deployment: its floor is the clone path's).
    pub work: Option<StateWork>,
    /// What each side runs, where the two differ.
    pub note: &'static str,
}

const T721: &[(u64, u64)] = &[(4, 0)];
const T1155: &[(u64, u64)] = &[(4, 64)];

const fn w() -> StateWork {
    StateWork {
        new_slots: 0,
        updated_slots: 0,
        cleared_slots: 0,
        read_slots: 0,
        cold_accounts: 0,
        payments: 0,
        new_account_payments: 0,
        clones: 0,
        signatures: 0,
        logs: &[],
    }
}

/// Every operation, in report order.
pub const OPS: &[OpSpec] = &[
    OpSpec {
        id: "721.deploy",
        group: "erc721",
        label: "new collection (direct deploy)",
        work: None,
        note: "Stylus: StylusDeployer.deploy + constructor, program already activated; Solidity: CREATE of the baseline",
    },
    OpSpec {
        id: "721.clone",
        group: "erc721",
        label: "new collection (clone + initialize, 2 txs)",
        // name, symbol, owner, default royalty, minter role; OwnershipTransferred
        work: Some(StateWork { clones: 1, new_slots: 5, logs: &[(3, 0)], ..w() }),
        note: "Stylus only: 60-byte delegating proxy + initialize (OZ's non-upgradeable ERC721 cannot be cloned)",
    },
    OpSpec {
        id: "721.owner",
        group: "erc721",
        label: "owner() as a tx (fixed cost of a call)",
        work: Some(StateWork { read_slots: 1, ..w() }),
        note: "",
    },
    OpSpec {
        id: "721.mint.fresh",
        group: "erc721",
        label: "mint (fresh holder)",
        // owner, balance, URI set; id counter updated; minter role read
        work: Some(StateWork { new_slots: 3, updated_slots: 1, read_slots: 1, logs: T721, ..w() }),
        note: "",
    },
    OpSpec {
        id: "721.mint.existing",
        group: "erc721",
        label: "mint (existing holder)",
        work: Some(StateWork { new_slots: 2, updated_slots: 2, read_slots: 1, logs: T721, ..w() }),
        note: "",
    },
    OpSpec {
        id: "721.transfer.fresh",
        group: "erc721",
        label: "transferFrom (to fresh holder)",
        // owner + sender balance updated, receiver balance set; approval and ERC-4907 user read
        work: Some(StateWork { new_slots: 1, updated_slots: 2, read_slots: 2, logs: T721, ..w() }),
        note: "",
    },
    OpSpec {
        id: "721.transfer.existing",
        group: "erc721",
        label: "transferFrom (to existing holder)",
        work: Some(StateWork { updated_slots: 3, read_slots: 2, logs: T721, ..w() }),
        note: "",
    },
    OpSpec {
        id: "721.safe",
        group: "erc721",
        label: "safeTransferFrom (to fresh EOA)",
        work: Some(StateWork { new_slots: 1, updated_slots: 2, read_slots: 2, cold_accounts: 1, logs: T721, ..w() }),
        note: "",
    },
    OpSpec {
        id: "721.approve",
        group: "erc721",
        label: "approve",
        work: Some(StateWork { new_slots: 1, read_slots: 1, logs: T721, ..w() }),
        note: "",
    },
    OpSpec {
        id: "721.royalty",
        group: "erc721",
        label: "royaltyInfo (as a tx)",
        // per-token and default royalty
        work: Some(StateWork { read_slots: 2, ..w() }),
        note: "",
    },
    OpSpec {
        id: "721.setuser",
        group: "erc721",
        label: "setUser (owner, fresh user slot)",
        // user + expiry + lock packed in one slot; owner read; UpdateUser
        work: Some(StateWork { new_slots: 1, read_slots: 1, logs: &[(3, 32)], ..w() }),
        note: "both: the owner sets an unlocked user (neither reads the owner's lease-operator flag, as ip-collection)",
    },
    OpSpec {
        id: "lease.offer",
        group: "lease",
        label: "create lease offer",
        // offer (asset, lessor/payee, price, bounds) set, counter updated; ownerOf and
        // the lessor's lease-operator flag on the collection; OfferCreated + OfferTermsSet
        // (11 static fields, an empty URI)
        work: Some(StateWork {
            new_slots: 4,
            updated_slots: 1,
            read_slots: 2,
            cold_accounts: 1,
            logs: &[(4, 64), (2, 416)],
            ..w()
        }),
        note: "Solidity: bench/sol/LeaseMarketTwin.sol, a twin of license-market's ERC-721 path: the same createOffer (checks, offer words packed as the Stylus Offer struct, OfferCreated + OfferTermsSet), ETH offers only",
    },
    OpSpec {
        id: "lease.buy",
        group: "lease",
        label: "lease purchase (30 days)",
        // lease word (expiry, slot, kind, offer version) and licence index set,
        // locked ERC-4907 user set; offer (3), owner, operator, royalty (2) read;
        // royalty and payee paid; LeasePurchased + UpdateUser
        work: Some(StateWork {
            new_slots: 3,
            read_slots: 7,
            cold_accounts: 1,
            payments: 2,
            logs: &[(3, 96), (3, 32)],
            ..w()
        }),
        note: "both: buyLease of the offer's version 1 (the lease word, the licence index, one leaseTo call on the asset that answers its checks and sets the user, royalty within the offer's cap); Solidity: LeaseMarketTwin on BaselineIp721 (leaseTo as ip-collection's)",
    },
    OpSpec {
        id: "lease.renew",
        group: "lease",
        label: "lease renewal (same licensee)",
        // lease word and ERC-4907 expiry updated; the licence index read (rewritten
        // with the same offer id, which costs a read); reads and payments as a purchase;
        // LeaseRenewed + UpdateUser
        work: Some(StateWork {
            updated_slots: 2,
            read_slots: 8,
            cold_accounts: 1,
            payments: 2,
            logs: &[(3, 96), (3, 32)],
            ..w()
        }),
        note: "both: renewLease by the licensee (extends from the current expiry, at most maxDuration past now)",
    },
    OpSpec {
        id: "1155.deploy",
        group: "erc1155",
        label: "new edition collection (direct deploy)",
        work: None,
        note: "Stylus: StylusDeployer.deploy + constructor, program already activated; Solidity: CREATE of the baseline",
    },
    OpSpec {
        id: "1155.mint",
        group: "erc1155",
        label: "mint (fresh balance)",
        // balance and supply set; max supply and minter role read
        work: Some(StateWork { new_slots: 2, read_slots: 2, logs: T1155, ..w() }),
        note: "steady state on both: the collection's second mint (the first, unmeasured, creates OpenZeppelin ERC1155Supply's all-ids total once)",
    },
    OpSpec {
        id: "1155.transfer",
        group: "erc1155",
        label: "safeTransferFrom (fresh receiver)",
        // frozen (ERC-5006) units read; receiver code checked
        work: Some(StateWork { new_slots: 1, updated_slots: 1, read_slots: 1, cold_accounts: 1, logs: T1155, ..w() }),
        note: "",
    },
    OpSpec {
        id: "1155.batch",
        group: "erc1155",
        label: "safeBatchTransferFrom (3 ids)",
        work: Some(StateWork { new_slots: 2, updated_slots: 4, read_slots: 3, cold_accounts: 1, logs: &[(4, 320)], ..w() }),
        note: "",
    },
    OpSpec {
        id: "1155.record",
        group: "erc1155",
        label: "user record creation (ERC-5006)",
        // record (3 words), the owner's frozen entry and the user's usable
        // entry (ERC-5006's usableBalanceOf is per user); record counter
        // (steady state); owner's balance read; CreateUserRecord
        work: Some(StateWork { new_slots: 5, updated_slots: 1, read_slots: 1, logs: &[(1, 192)], ..w() }),
        note: "steady state on both: the collection's second record (the first, unmeasured, on another id, sets the record counter; the measured one starts the owner's frozen and the user's usable list of its id); Solidity: bench/sol/BaselineIp1155.sol, a twin of ip-editions' record path (same packed record words and per-owner and per-user entry lists, same checks and events)",
    },
    OpSpec {
        id: "prov.record",
        group: "provenance",
        label: "provenance record creation",
        // 5 hashes + (model id, creator, time) packed; model and minter role read; ProvenanceRecorded
        work: Some(StateWork { new_slots: 6, read_slots: 2, cold_accounts: 1, logs: &[(4, 256)], ..w() }),
        note: "baseline: bench/sol/ProvenanceBaseline.sol (same checks, no signature)",
    },
    OpSpec {
        id: "vault.create",
        group: "shares",
        label: "fractionalise (new vault)",
        // clone; asset, id, supply, holder balance, name, symbol, registry; NFT moved in
        work: Some(StateWork { clones: 1, new_slots: 8, updated_slots: 2, read_slots: 2, cold_accounts: 1, logs: &[(3, 32), (4, 0)], ..w() }),
        note: "both: a factory's fractionalize (CREATE2 of the suite's receiving proxy + initialize + NFT moved in, after an approve); Solidity: ShareVaultTwinFactory (bench/sol/ShareVaultTwin.sol; its arguments as one struct, one calldata word more)",
    },
    OpSpec {
        id: "vault.transfer",
        group: "shares",
        label: "share transfer (fresh holder)",
        work: Some(StateWork { new_slots: 1, updated_slots: 1, read_slots: 1, logs: &[(3, 32)], ..w() }),
        note: "Solidity: ShareVaultTwin (share-vault's account words and correction scheme) behind the same proxy; before any revenue, so neither side touches a correction",
    },
    OpSpec {
        id: "vault.deposit",
        group: "shares",
        label: "revenue deposit (plain ETH)",
        work: Some(w()),
        note: "both: the receiving proxy's 15-gas path (no delegation)",
    },
    OpSpec {
        id: "vault.claim",
        group: "shares",
        label: "claim (ETH)",
        // holder's correction and the accounted total updated; balance and accumulator read; one payment
        work: Some(StateWork { updated_slots: 2, read_slots: 2, payments: 1, logs: &[(3, 32)], ..w() }),
        note: "both: claim([ETH])",
    },
    OpSpec {
        id: "vault.permit",
        group: "shares",
        label: "permit (EIP-2612, owner's second)",
        // nonce updated, allowance set; the signature recovered; Approval
        work: Some(StateWork { new_slots: 1, updated_slots: 1, signatures: 1, logs: &[(3, 32)], ..w() }),
        note: "Solidity: ShareVaultTwin's permit (nonce in the account word, domain hashed from the stored name on each call, as a clone must); both sent by the spender",
    },
    OpSpec {
        id: "vault.permit_transfer",
        group: "shares",
        label: "permit + transferFrom (2 txs, existing holder)",
        // permit as above; then the allowance cleared, both balances and both
        // holders' revenue corrections updated, accumulator and accounted total read
        work: Some(StateWork {
            new_slots: 1,
            updated_slots: 5,
            cleared_slots: 1,
            read_slots: 2,
            signatures: 1,
            logs: &[(3, 32), (3, 32)],
            ..w()
        }),
        note: "the spender sends both (permit for exactly the amount moved); revenue has accrued, so both holders' corrections move",
    },
    OpSpec {
        id: "offer.buy",
        group: "offering",
        label: "share purchase (ETH, new investor)",
        // vault|deadline, shares|minRaise, cap, price, payment token read; sold|raised
        // updated; purchase record set; shares out of the (non-accruing) escrow: its
        // balance and the non-accruing total updated, the buyer's balance and revenue
        // correction set, accumulator and accounted total read; SharesPurchased + Transfer
        work: Some(StateWork {
            new_slots: 3,
            updated_slots: 3,
            read_slots: 7,
            cold_accounts: 1,
            logs: &[(3, 64), (3, 32)],
            ..w()
        }),
        note: "Stylus: ShareOffering.buy (singleton); Solidity: bench/sol/OfferingBaseline.sol, a twin of its sale path (ETH only), selling ShareVaultTwin shares",
    },
    OpSpec {
        id: "amm.sell",
        group: "amm",
        label: "swap shares → ETH (Router02, registered pool)",
        work: None,
        note: "Uniswap V2 Router02 swapExactTokensForETH (npm's artefacts, the same on both sides) on the side's share token paired with WETH, the pair registered as a non-accruing pool; the second sale by a holder who approved the router without limit",
    },
    OpSpec {
        id: "amm.buy",
        group: "amm",
        label: "swap ETH → shares (Router02, registered pool)",
        work: None,
        note: "swapExactETHForTokens on the same pool, the second purchase by the same holder",
    },
    OpSpec {
        id: "buyout.propose",
        group: "buyout",
        label: "buyout proposal (40 % of the shares + ETH)",
        // the vault's buyout module and status read; record (meta, price, escrow)
        // set; shares into the pool: the allowance cleared, the proposer's balance
        // and correction, the pool's flagged balance word and the supply word
        // (non-accruing total) updated, accumulator and accounted total read;
        // BuyoutStarted + Transfer
        work: Some(StateWork {
            new_slots: 3,
            updated_slots: 4,
            cleared_slots: 1,
            read_slots: 4,
            cold_accounts: 1,
            logs: &[(3, 160), (3, 32)],
            ..w()
        }),
        note: "Stylus: ShareBuyout.propose (singleton); Solidity: bench/sol/BuyoutBaseline.sol, a twin (same record, checks and events) on ShareVaultTwin",
    },
    OpSpec {
        id: "buyout.end",
        group: "buyout",
        label: "buyout settlement: end (success, asset released)",
        // record state and escrow updated, cash price set; pool and supply read;
        // the vault: buyout module and token id read, status updated; the ERC-721
        // moved out (owner updated, vault's balance cleared, proposer's set);
        // BuyoutEnded + AssetReleased + Transfer
        work: Some(StateWork {
            new_slots: 2,
            updated_slots: 4,
            cleared_slots: 1,
            read_slots: 4,
            cold_accounts: 2,
            logs: &[(3, 160), (2, 0), (4, 0)],
            ..w()
        }),
        note: "the proposer ends it after 4 days (pool 55 %); the asset is each side's ERC-721 (Stylus: ip-collection; Solidity: BaselineIp721)",
    },
    OpSpec {
        id: "buyout.cash",
        group: "buyout",
        label: "cash-out after a buyout (a holder's 20 %, not the last)",
        // record state read, escrow updated, cash price read; the holder's shares
        // into the pool: allowance, the holder's balance and correction cleared,
        // the pool's balance and the supply word updated, accumulator and accounted
        // total read; one payment; Cashed + Transfer
        work: Some(StateWork {
            updated_slots: 3,
            cleared_slots: 3,
            read_slots: 4,
            cold_accounts: 1,
            payments: 1,
            logs: &[(3, 64), (3, 32)],
            ..w()
        }),
        note: "",
    },
    OpSpec {
        id: "split.create",
        group: "splits",
        label: "split creation (2 recipients)",
        // The split design's words: two list entries, the set's head word
        // and the controller/epoch/flag word; SplitUpdated (2 topics, the
        // two arrays and the dust recipient: 9 words) and SplitCreated.
        work: Some(StateWork {
            clones: 1,
            new_slots: 4,
            logs: &[(2, 288), (4, 32)],
            ..w()
        }),
        note: "both: CREATE2 of the suite's receiving proxy + initialize, the same split design; Solidity: bench/sol/SplitTwin.sol (twin of splits + split-factory)",
    },
    OpSpec {
        id: "split.deposit",
        group: "splits",
        label: "revenue deposit (plain ETH)",
        work: Some(w()),
        note: "both: the receiving proxy's 15-gas path (no delegation)",
    },
    OpSpec {
        id: "split.withdraw",
        group: "splits",
        label: "split withdraw (ETH, new payee account)",
        // The recipient's ETH offset and the ETH paid/epoch word are new;
        // the flag word, the recipient's list entry and the ETH base are
        // read; Withdrawal has 3 topics.
        work: Some(StateWork {
            new_slots: 2,
            read_slots: 3,
            new_account_payments: 1,
            logs: &[(3, 32)],
            ..w()
        }),
        note: "both through the receiving proxy's delegation, the same split design: withdraw(recipient, [ETH]), the split's first ETH withdrawal; Solidity: bench/sol/SplitTwin.sol",
    },
];

/// The Stylus program a transaction of operation `id` enters first (its
/// entry cost applies once at least); `None` for a deployment and for plain
/// ETH sent to a clone (the proxy accepts it without entering WASM).
#[must_use]
pub fn program(id: &str) -> Option<&'static str> {
    match id {
        "721.deploy" | "1155.deploy" | "vault.deposit" | "split.deposit" => None,
        "vault.create" => Some("vault-factory"),
        "split.create" => Some("split-factory"),
        _ => match id.split('.').next()? {
            "721" => Some("ip-collection"),
            "lease" => Some("license-market"),
            "1155" => Some("ip-editions"),
            "prov" => Some("provenance"),
            "vault" => Some("share-vault"),
            "split" => Some("splits"),
            "offer" => Some("share-offering"),
            "buyout" => Some("share-buyout"),
            // the router (EVM) enters the share vault first
            "amm" => Some("share-vault"),
            _ => None,
        },
    }
}

/// The spec of operation `id`.
#[must_use]
pub fn spec(id: &str) -> Option<&'static OpSpec> {
    OPS.iter().find(|o| o.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_findable() {
        for (i, a) in OPS.iter().enumerate() {
            assert!(OPS[i + 1..].iter().all(|b| b.id != a.id), "{}", a.id);
            assert_eq!(spec(a.id).map(|s| s.label), Some(a.label));
        }
        assert!(spec("nope").is_none());
        for o in OPS {
            let expect_none = o.id.ends_with("deploy") || o.id.ends_with("deposit");
            assert_eq!(program(o.id).is_none(), expect_none, "{}", o.id);
        }
    }
}
