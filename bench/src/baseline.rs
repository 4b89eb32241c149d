//! The Solidity side: the baselines in `bench/sol/` run through the same
//! user operations as the Stylus scenario ([`crate::stylus`]), on the
//! devnode over JSON-RPC.
//!
//! The baselines' interfaces differ from the Stylus ABIs where OpenZeppelin
//! or a simpler port has another shape, so they are declared here by hand
//! (the Stylus side uses bindings generated from `abi/*.json`).

use std::path::Path;

use alloy::primitives::{aliases::U96, Address, Bytes, B256, U256};
use alloy::rpc::types::TransactionReceipt;
use alloy::sol;
use alloy::sol_types::{SolCall, SolEvent, SolValue};
use anyhow::{ensure, Context, Result};

use stylus_ip_deploy::uniswap::Artifacts;

use crate::chain::{fresh, indexed_address, Client};
use crate::investors;
use crate::report::{Recorder, Side};
use crate::solidity;
use crate::stylus::{
    indexed_token, lease_buy, lease_price, lease_renew, lease_terms, LicenseMarket, ShareVault,
    LEASE_DURATION,
};

sol! {
    /// `bench/sol/BaselineIp721.sol` (OZ ERC721URIStorage + ERC2981 + ERC-4907).
    interface BaselineIp721 {
        function mint(address to, string uri, address royaltyReceiver, uint96 bps) external returns (uint256);
        function transferFrom(address from, address to, uint256 id) external;
        function safeTransferFrom(address from, address to, uint256 id) external;
        function approve(address to, uint256 id) external;
        function royaltyInfo(uint256 id, uint256 price) external view returns (address, uint256);
        function setUser(uint256 id, address user, uint64 expires) external;
        function setLeaseOperator(address operator, bool approved) external;
        function owner() external view returns (address);
    }
    /// `bench/sol/BaselineIp1155.sol` (OZ ERC1155Supply + ERC2981 + ERC-5006).
    interface BaselineIp1155 {
        function createId(uint256 max, address receiver, uint96 bps) external returns (uint256);
        function mint(address to, uint256 id, uint256 amount, bytes data) external;
        function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data) external;
        function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data) external;
        function createUserRecord(address owner, address user, uint256 tokenId, uint64 amount, uint64 expiry) external returns (uint256);
    }
    /// `bench/sol/ProvenanceBaseline.sol`.
    interface BaselineProvenance {
        function registerModel(bytes32 weightsHash, address attester) external returns (uint256);
        struct Hashes { bytes32 promptHash; bytes32 seedHash; bytes32 paramsHash; bytes32 contentHash; bytes32 humanHash; }
        function recordProvenance(address collection, uint256 id, uint256 modelId, Hashes h, address[] parentCollections, uint256[] parentIds, bytes signature) external;
    }
    /// `bench/sol/ShareVaultTwin.sol`'s factory (the share vaults themselves
    /// share the suite's signatures: [`ShareVault`]).
    interface BaselineVaultFactory {
        struct Request { address asset; uint256 id; uint256 units; string name; string symbol; address[] holders; uint256[] amounts; address curator; address[] revenueTokens; uint64 maxLeaseDuration; bytes32 salt; }
        function fractionalize(Request r) external returns (address);
        event VaultCreated(address indexed vault, address indexed creator, address indexed asset, uint256 id, uint256 units, bytes32 salt);
    }
}

/// Ether in wei.
pub fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// Share supply of every vault (1e24 base units).
pub fn share_supply() -> U256 {
    U256::from(10u64).pow(U256::from(24))
}

/// Holder counts of the claim / share-transfer scaling.
pub const HOLDERS: [usize; 4] = [1, 10, 100, 1000];
/// Recipient counts of the split scaling.
pub const RECIPIENTS: [usize; 3] = [2, 50, 500];

/// Sorted fresh recipients and allocations summing to 1e6 for a split of `n`.
#[must_use]
pub fn split_members(n: usize) -> (Vec<Address>, Vec<u32>) {
    let recipients: Vec<Address> = (0..n as u64).map(|i| fresh(1_000 + i)).collect();
    let each = (1_000_000 / n) as u32;
    let mut allocations = vec![each; n];
    allocations[0] += 1_000_000 - each * n as u32;
    (recipients, allocations)
}

struct Sol<'a> {
    c: &'a mut Client,
    rec: &'a mut Recorder,
    out: &'a Path,
}

impl Sol<'_> {
    async fn deploy(&mut self, name: &str, args: Vec<u8>) -> Result<(Address, u64)> {
        let art = solidity::load(self.out, name)?;
        let mut code = art.bytecode.to_vec();
        code.extend_from_slice(&args);
        self.c
            .create(code)
            .await
            .with_context(|| format!("deploying {name}"))
    }

    async fn op<C: SolCall>(
        &mut self,
        id: &str,
        from: Address,
        to: Address,
        call: C,
        value: U256,
    ) -> Result<alloy::rpc::types::TransactionReceipt> {
        crate::stylus::send_op(self.c, self.rec, Side::Solidity, id, from, to, &call, value).await
    }
}

/// Runs every Solidity baseline operation and scaling series; `amm` is
/// Uniswap V2 for the investor operations ([`crate::investors`]).
///
/// # Errors
/// When a deployment or a call fails.
pub async fn run(c: &mut Client, rec: &mut Recorder, out: &Path, amm: &Artifacts) -> Result<()> {
    let mut s = Sol { c, rec, out };
    let (nft, market) = erc721(&mut s).await?;
    erc1155(&mut s).await?;
    vault(&mut s, nft, market).await?;
    investors(&mut s, nft, market, amm).await?;
    splits(&mut s).await?;
    Ok(())
}

/// ERC-721, leases and provenance; returns the collection and the market.
async fn erc721(s: &mut Sol<'_>) -> Result<(Address, Address)> {
    let a = s.c.accounts.clone();
    let (a0, a1, a2, a3) = (a[0], a[1], a[2], a[3]);
    let args = (a0, a0, U256::from(500)).abi_encode_params();
    let art = solidity::load(s.out, "BaselineIp721")?;
    let (nft, gas) = s.deploy("BaselineIp721", args.clone()).await?;
    s.rec.op(
        "721.deploy",
        Side::Solidity,
        gas,
        &[art.bytecode.to_vec(), args].concat(),
    );
    let mint = |to| BaselineIp721::mintCall {
        to,
        uri: "ipfs://bafy/1".into(),
        royaltyReceiver: Address::ZERO,
        bps: U96::ZERO,
    };
    s.op(
        "721.owner",
        a0,
        nft,
        BaselineIp721::ownerCall {},
        U256::ZERO,
    )
    .await?;
    s.op("721.mint.fresh", a0, nft, mint(a1), U256::ZERO)
        .await?;
    s.op("721.mint.existing", a0, nft, mint(a1), U256::ZERO)
        .await?;
    for _ in 0..3 {
        s.c.call(a0, nft, &mint(a1), U256::ZERO).await?;
    }
    let id = U256::from;
    s.op(
        "721.transfer.fresh",
        a1,
        nft,
        BaselineIp721::transferFromCall {
            from: a1,
            to: a2,
            id: id(1),
        },
        U256::ZERO,
    )
    .await?;
    s.op(
        "721.transfer.existing",
        a1,
        nft,
        BaselineIp721::transferFromCall {
            from: a1,
            to: a2,
            id: id(2),
        },
        U256::ZERO,
    )
    .await?;
    s.op(
        "721.safe",
        a1,
        nft,
        BaselineIp721::safeTransferFromCall {
            from: a1,
            to: a3,
            id: id(3),
        },
        U256::ZERO,
    )
    .await?;
    s.op(
        "721.approve",
        a1,
        nft,
        BaselineIp721::approveCall { to: a3, id: id(4) },
        U256::ZERO,
    )
    .await?;
    s.op(
        "721.royalty",
        a0,
        nft,
        BaselineIp721::royaltyInfoCall {
            id: id(1),
            price: eth(1),
        },
        U256::ZERO,
    )
    .await?;
    let now = s.c.now().await?;
    s.op(
        "721.setuser",
        a2,
        nft,
        BaselineIp721::setUserCall {
            id: id(1),
            user: a3,
            expires: now + 3600,
        },
        U256::ZERO,
    )
    .await?;

    // lease market (the license-market twin): owner a2 opts the market in
    // as lease operator and offers token 2 with the Stylus side's terms
    let (market, _) = s.deploy("LeaseMarketTwin", Vec::new()).await?;
    s.c.call(
        a2,
        nft,
        &BaselineIp721::setLeaseOperatorCall {
            operator: market,
            approved: true,
        },
        U256::ZERO,
    )
    .await?;
    let offer = LicenseMarket::createOfferCall {
        collection: nft,
        tokenId: id(2),
        amount: 0,
        terms: lease_terms(a2, now),
    };
    s.op("lease.offer", a2, market, offer, U256::ZERO).await?;
    let (buy, renew) = (lease_buy(), lease_renew());
    s.op("lease.buy", a3, market, buy, lease_price()).await?;
    s.op("lease.renew", a3, market, renew, lease_price())
        .await?;
    // the twin kept the records the Stylus market keeps: the lease word
    // (renewed expiry, the offer's version 1 and so its terms hash) and the
    // licence index, which isLicensed follows to the ERC-4907 user
    let lease =
        s.c.view(
            market,
            &LicenseMarket::leaseOfCall {
                offerId: id(1),
                licensee: a3,
            },
        )
        .await?;
    let licensed =
        s.c.view(
            market,
            &LicenseMarket::isLicensedCall {
                collection: nft,
                tokenId: id(2),
                account: a3,
            },
        )
        .await?;
    ensure!(
        lease._0 > now + LEASE_DURATION
            && lease._1 == B256::repeat_byte(7)
            && licensed._0
            && licensed._1 == lease._0,
        "the lease twin's records are wrong: leaseOf {:?}, isLicensed {:?}",
        (lease._0, lease._1),
        (licensed._0, licensed._1)
    );

    // provenance: a0 (minter of the collection) records token 5
    let (prov, _) = s.deploy("ProvenanceBaseline", Vec::new()).await?;
    s.c.call(
        a0,
        prov,
        &BaselineProvenance::registerModelCall {
            weightsHash: B256::repeat_byte(1),
            attester: a0,
        },
        U256::ZERO,
    )
    .await?;
    let record = BaselineProvenance::recordProvenanceCall {
        collection: nft,
        id: id(5),
        modelId: id(1),
        h: BaselineProvenance::Hashes {
            promptHash: B256::repeat_byte(2),
            seedHash: B256::repeat_byte(3),
            paramsHash: B256::repeat_byte(4),
            contentHash: B256::repeat_byte(5),
            humanHash: B256::ZERO,
        },
        parentCollections: Vec::new(),
        parentIds: Vec::new(),
        signature: Bytes::new(),
    };
    s.op("prov.record", a0, prov, record, U256::ZERO).await?;
    Ok((nft, market))
}

async fn erc1155(s: &mut Sol<'_>) -> Result<()> {
    let a = s.c.accounts.clone();
    let (a0, a1, a2) = (a[0], a[1], a[2]);
    let args = (a0, a0, U256::from(500)).abi_encode_params();
    let art = solidity::load(s.out, "BaselineIp1155")?;
    let (mt, gas) = s.deploy("BaselineIp1155", args.clone()).await?;
    s.rec.op(
        "1155.deploy",
        Side::Solidity,
        gas,
        &[art.bytecode.to_vec(), args].concat(),
    );
    for _ in 0..3 {
        let create = BaselineIp1155::createIdCall {
            max: U256::ZERO,
            receiver: Address::ZERO,
            bps: U96::ZERO,
        };
        s.c.call(a0, mt, &create, U256::ZERO).await?;
    }
    // the twin keeps ip-editions' signatures from here on
    crate::stylus::erc1155_ops(s.c, s.rec, Side::Solidity, "baseline", mt, [a0, a1, a2]).await
}

/// Deploys the share-vault twin's implementation and a factory of it
/// (`buyout`, `offering`, `router`, `amm_factory` zero: the feature off).
async fn vault_factory(
    s: &mut Sol<'_>,
    market: Address,
    [buyout, offering, router, amm_factory]: [Address; 4],
) -> Result<Address> {
    let (implementation, _) = s.deploy("ShareVaultTwin", Vec::new()).await?;
    let args = (
        implementation,
        market,
        buyout,
        offering,
        router,
        amm_factory,
    )
        .abi_encode_params();
    let (factory, _) = s.deploy("ShareVaultTwinFactory", args).await?;
    Ok(factory)
}

/// Mints a fresh token of `nft` to account 0 and fractionalises it through
/// `factory` into a one-holder vault, as the Stylus side's `new_vault`;
/// returns the vault and the `fractionalize` receipt and calldata.
async fn new_vault(
    s: &mut Sol<'_>,
    factory: Address,
    nft: Address,
    salt: u8,
) -> Result<(Address, TransactionReceipt, Vec<u8>)> {
    let a0 = s.c.accounts[0];
    let mint = BaselineIp721::mintCall {
        to: a0,
        uri: String::new(),
        royaltyReceiver: Address::ZERO,
        bps: U96::ZERO,
    };
    let r = s.c.call(a0, nft, &mint, U256::ZERO).await?;
    let id = indexed_token(&r).context("no Transfer event")?;
    s.c.call(
        a0,
        nft,
        &BaselineIp721::approveCall { to: factory, id },
        U256::ZERO,
    )
    .await?;
    let call = BaselineVaultFactory::fractionalizeCall {
        r: BaselineVaultFactory::Request {
            asset: nft,
            id,
            units: U256::ZERO,
            name: "Shares".into(),
            symbol: "SHR".into(),
            holders: vec![a0],
            amounts: vec![share_supply()],
            curator: Address::ZERO,
            revenueTokens: Vec::new(),
            maxLeaseDuration: 30 * 86_400,
            salt: B256::with_last_byte(salt),
        },
    };
    let data = call.abi_encode();
    let r =
        s.c.send(a0, Some(factory), data.clone(), U256::ZERO)
            .await
            .context("Solidity fractionalize")?;
    let vault = indexed_address(&r, BaselineVaultFactory::VaultCreated::SIGNATURE_HASH)
        .context("no VaultCreated")?;
    Ok((vault, r, data))
}

/// The share rows on the share-vault twin, vaults made as the Stylus ones:
/// clones from a factory with every investor feature off.
async fn vault(s: &mut Sol<'_>, nft: Address, market: Address) -> Result<()> {
    let a = s.c.accounts.clone();
    let (a0, a1) = (a[0], a[1]);
    let supply = share_supply();
    let factory = vault_factory(s, market, [Address::ZERO; 4]).await?;
    let (vault, r, data) = new_vault(s, factory, nft, 0).await?;
    s.rec.op("vault.create", Side::Solidity, r.gas_used, &data);
    s.op(
        "vault.transfer",
        a0,
        vault,
        ShareVault::transferCall {
            to: a1,
            value: supply / U256::from(10),
        },
        U256::ZERO,
    )
    .await?;
    let r = s.c.send(a0, Some(vault), Vec::new(), eth(1)).await?;
    s.rec.op("vault.deposit", Side::Solidity, r.gas_used, &[]);
    let claim = || ShareVault::claimCall {
        tokens: vec![Address::ZERO],
    };
    s.op("vault.claim", a1, vault, claim(), U256::ZERO).await?;
    for (k, &n) in HOLDERS.iter().enumerate() {
        let (v, _, _) = new_vault(s, factory, nft, 1 + k as u8).await?;
        for i in 1..n {
            let t = ShareVault::transferCall {
                to: fresh(i as u64),
                value: U256::from(1000),
            };
            s.c.call(a0, v, &t, U256::ZERO).await?;
        }
        s.c.send(a0, Some(v), Vec::new(), eth(1)).await?;
        let t = ShareVault::transferCall {
            to: fresh(5_000_000 + n as u64),
            value: U256::from(1000),
        };
        let r = s.c.call(a0, v, &t, U256::ZERO).await?;
        s.rec.scale("share transfer", n, Side::Solidity, r.gas_used);
        s.c.send(a0, Some(v), Vec::new(), eth(1)).await?;
        let r = s.c.call(a0, v, &claim(), U256::ZERO).await?;
        s.rec.scale("claim", n, Side::Solidity, r.gas_used);
    }
    Ok(())
}

/// The investor operations ([`crate::investors`]) on two share-vault twins
/// from a factory with every feature on (Uniswap V2's factory and router,
/// the buyout and offering twins), each holding its ERC-721 token of the
/// ip-collection baseline, as the Stylus vaults do.
async fn investors(s: &mut Sol<'_>, nft: Address, market: Address, amm: &Artifacts) -> Result<()> {
    let uni = investors::deploy_uniswap(s.c, amm).await?;
    let (offering, _) = s.deploy("OfferingBaseline", Vec::new()).await?;
    let (buyout, _) = s.deploy("BuyoutBaseline", Vec::new()).await?;
    let features = [buyout, offering, uni.router, uni.factory];
    let factory = vault_factory(s, market, features).await?;
    let (vault, _, _) = new_vault(s, factory, nft, 100).await?;
    let (buyout_vault, _, _) = new_vault(s, factory, nft, 101).await?;
    let world = investors::World {
        amm: uni,
        vault,
        buyout_vault,
        offering,
        buyout,
    };
    investors::run(s.c, s.rec, Side::Solidity, &world).await
}

/// The splits rows on the Solidity twin (`bench/sol/SplitTwin.sol`):
/// the implementation, its factory, then the same transactions as the
/// Stylus side ([`crate::stylus::split_rows`]).
async fn splits(s: &mut Sol<'_>) -> Result<()> {
    let (implementation, _) = s.deploy("SplitTwin", Vec::new()).await?;
    let (factory, _) = s
        .deploy("SplitFactoryTwin", implementation.abi_encode())
        .await?;
    crate::stylus::split_rows(s.c, s.rec, Side::Solidity, factory).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_members_are_sorted_and_sum_to_a_million() {
        for n in RECIPIENTS {
            let (r, a) = split_members(n);
            assert_eq!(r.len(), n);
            assert!(r.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(a.iter().map(|&x| u64::from(x)).sum::<u64>(), 1_000_000);
            assert!(a.iter().all(|&x| x > 0));
        }
    }
}
