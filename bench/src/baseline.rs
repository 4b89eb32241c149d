//! The Solidity side: the baselines in `bench/sol/` run through the same
//! user operations as the Stylus scenario ([`crate::stylus`]), on the
//! devnode over JSON-RPC.
//!
//! The baselines' interfaces differ from the Stylus ABIs where OpenZeppelin
//! or a simpler port has another shape, so they are declared here by hand
//! (the Stylus side uses bindings generated from `abi/*.json`).

use std::path::Path;

use alloy::primitives::{aliases::U96, Address, Bytes, B256, U256};
use alloy::sol;
use alloy::sol_types::{SolCall, SolEvent, SolValue};
use anyhow::{Context, Result};

use stylus_ip_deploy::uniswap::Artifacts;

use crate::chain::{fresh, Client};
use crate::investors;
use crate::report::{Recorder, Side};
use crate::solidity;

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
    /// `bench/sol/LeaseMarket.sol`.
    interface BaselineMarket {
        function createOffer(address collection, uint256 tokenId, address payee, uint128 pricePerSecond, uint64 minDuration, uint64 maxDuration, uint64 endsAt, bytes32 termsHash) external returns (uint256);
        function buyLease(uint256 offerId, uint64 duration, uint256 maxPrice) external payable;
    }
    /// `bench/sol/BaselineIp1155.sol` (OZ ERC1155Supply + ERC2981 + ERC-5006).
    interface BaselineIp1155 {
        function createId(uint256 max, address receiver, uint96 bps) external returns (uint256);
        function mint(address to, uint256 id, uint256 amount, bytes data) external;
        function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data) external;
        function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data) external;
        function createUserRecord(address owner, address user, uint256 id, uint64 amount, uint64 expiry) external returns (uint256);
    }
    /// `bench/sol/ProvenanceBaseline.sol`.
    interface BaselineProvenance {
        function registerModel(bytes32 weightsHash, address attester) external returns (uint256);
        struct Hashes { bytes32 promptHash; bytes32 seedHash; bytes32 paramsHash; bytes32 contentHash; bytes32 humanHash; }
        function recordProvenance(address collection, uint256 id, uint256 modelId, Hashes h, address[] parentCollections, uint256[] parentIds, bytes signature) external;
    }
    /// `bench/sol/AccumulatorVault.sol` (OZ ERC20 + revenue accumulator).
    interface BaselineVault {
        function transfer(address to, uint256 value) external returns (bool);
        function claim() external;
    }
    /// `bench/sol/PullSplitter.sol` (clone factory).
    interface BaselineSplitFactory {
        function createSplit(address[] recipients, uint32[] allocations, bytes32 salt) external returns (address);
        event SplitCreated(address split);
    }
    /// `bench/sol/PullSplitter.sol` (the split).
    interface BaselineSplit {
        function withdraw(address recipient) external;
    }
    /// `bench/sol/OzPlain.sol`: plain OZ ERC721 + ERC2981.
    interface OzErc721 {
        function mint(address to, uint256 id) external;
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
        let data = call.abi_encode();
        let r = self
            .c
            .send(from, Some(to), data.clone(), value)
            .await
            .with_context(|| format!("Solidity {id}"))?;
        self.rec.op(id, Side::Solidity, r.gas_used, &data);
        Ok(r)
    }
}

/// Runs every Solidity baseline operation and scaling series; `amm` is
/// Uniswap V2 for the investor operations ([`crate::investors`]).
///
/// # Errors
/// When a deployment or a call fails.
pub async fn run(c: &mut Client, rec: &mut Recorder, out: &Path, amm: &Artifacts) -> Result<()> {
    let mut s = Sol { c, rec, out };
    erc721(&mut s).await?;
    erc1155(&mut s).await?;
    vault(&mut s).await?;
    investors(&mut s, amm).await?;
    splits(&mut s).await?;
    Ok(())
}

async fn erc721(s: &mut Sol<'_>) -> Result<()> {
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

    // lease market: owner a2 opts the market in as lease operator and offers token 2
    let (market, _) = s.deploy("LeaseMarket", Vec::new()).await?;
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
    let offer = BaselineMarket::createOfferCall {
        collection: nft,
        tokenId: id(2),
        payee: a2,
        pricePerSecond: 1_000_000_000u128,
        minDuration: 60,
        maxDuration: 90 * 86_400,
        endsAt: now + 365 * 86_400,
        termsHash: B256::repeat_byte(7),
    };
    s.op("lease.offer", a2, market, offer, U256::ZERO).await?;
    let price = U256::from(1_000_000_000u64) * U256::from(30u64 * 86_400);
    let buy = BaselineMarket::buyLeaseCall {
        offerId: id(1),
        duration: 30 * 86_400,
        maxPrice: price,
    };
    s.op("lease.buy", a3, market, buy.clone(), price).await?;
    s.op("lease.renew", a3, market, buy, price).await?;

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
    Ok(())
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
    let mint = |id: u64| BaselineIp1155::mintCall {
        to: a1,
        id: U256::from(id),
        amount: U256::from(100),
        data: Bytes::new(),
    };
    s.op("1155.mint", a0, mt, mint(1), U256::ZERO).await?;
    s.c.call(a0, mt, &mint(2), U256::ZERO).await?;
    s.c.call(a0, mt, &mint(3), U256::ZERO).await?;
    let xfer = BaselineIp1155::safeTransferFromCall {
        from: a1,
        to: a2,
        id: U256::from(1),
        value: U256::from(10),
        data: Bytes::new(),
    };
    s.op("1155.transfer", a1, mt, xfer, U256::ZERO).await?;
    let batch = BaselineIp1155::safeBatchTransferFromCall {
        from: a1,
        to: a2,
        ids: vec![U256::from(1), U256::from(2), U256::from(3)],
        values: vec![U256::from(1); 3],
        data: Bytes::new(),
    };
    s.op("1155.batch", a1, mt, batch, U256::ZERO).await?;
    let ts = s.c.now().await?;
    let record = BaselineIp1155::createUserRecordCall {
        owner: a1,
        user: a2,
        id: U256::from(1),
        amount: 5,
        expiry: ts + 3600,
    };
    s.op("1155.record", a1, mt, record, U256::ZERO).await?;
    Ok(())
}

async fn vault(s: &mut Sol<'_>) -> Result<()> {
    let a = s.c.accounts.clone();
    let (a0, a1) = (a[0], a[1]);
    let supply = share_supply();
    let (nft, _) = s
        .deploy(
            "OzErc721Royalty",
            (a0, a0, U256::from(500)).abi_encode_params(),
        )
        .await?;
    s.c.call(
        a0,
        nft,
        &OzErc721::mintCall {
            to: a0,
            id: U256::from(1),
        },
        U256::ZERO,
    )
    .await?;
    // no AMM factory, buyout module or offering (features off, as the
    // Stylus vaults of these rows)
    let none = Address::ZERO;
    let args = (nft, U256::from(1), a0, supply, none, none, none).abi_encode_params();
    let art = solidity::load(s.out, "AccumulatorVault")?;
    let (vault, gas) = s.deploy("AccumulatorVault", args.clone()).await?;
    s.rec.op(
        "vault.create",
        Side::Solidity,
        gas,
        &[art.bytecode.to_vec(), args.clone()].concat(),
    );
    s.op(
        "vault.transfer",
        a0,
        vault,
        BaselineVault::transferCall {
            to: a1,
            value: supply / U256::from(10),
        },
        U256::ZERO,
    )
    .await?;
    let r = s.c.send(a0, Some(vault), Vec::new(), eth(1)).await?;
    s.rec.op("vault.deposit", Side::Solidity, r.gas_used, &[]);
    s.op(
        "vault.claim",
        a1,
        vault,
        BaselineVault::claimCall {},
        U256::ZERO,
    )
    .await?;
    for &n in &HOLDERS {
        let (v, _) = s.deploy("AccumulatorVault", args.clone()).await?;
        for i in 1..n {
            let t = BaselineVault::transferCall {
                to: fresh(i as u64),
                value: U256::from(1000),
            };
            s.c.call(a0, v, &t, U256::ZERO).await?;
        }
        s.c.send(a0, Some(v), Vec::new(), eth(1)).await?;
        let t = BaselineVault::transferCall {
            to: fresh(5_000_000 + n as u64),
            value: U256::from(1000),
        };
        let r = s.c.call(a0, v, &t, U256::ZERO).await?;
        s.rec.scale("share transfer", n, Side::Solidity, r.gas_used);
        s.c.send(a0, Some(v), Vec::new(), eth(1)).await?;
        let r =
            s.c.call(a0, v, &BaselineVault::claimCall {}, U256::ZERO)
                .await?;
        s.rec.scale("claim", n, Side::Solidity, r.gas_used);
    }
    Ok(())
}

/// The investor operations ([`crate::investors`]) on two AccumulatorVaults
/// with every feature on (Uniswap V2's factory, the buyout and offering
/// twins), each holding its ERC-721 token as the Stylus vaults do.
async fn investors(s: &mut Sol<'_>, amm: &Artifacts) -> Result<()> {
    let a0 = s.c.accounts[0];
    let uni = investors::deploy_uniswap(s.c, amm).await?;
    let (offering, _) = s.deploy("OfferingBaseline", Vec::new()).await?;
    let (buyout, _) = s.deploy("BuyoutBaseline", Vec::new()).await?;
    // the asset: the ip-collection baseline (ERC-4907 users kept across transfers)
    let (nft, _) = s
        .deploy(
            "BaselineIp721",
            (a0, a0, U256::from(500)).abi_encode_params(),
        )
        .await?;
    let mut vaults = Vec::new();
    for id in [1u64, 2] {
        let id = U256::from(id);
        let mint = BaselineIp721::mintCall {
            to: a0,
            uri: String::new(),
            royaltyReceiver: Address::ZERO,
            bps: U96::ZERO,
        };
        s.c.call(a0, nft, &mint, U256::ZERO).await?;
        let args = (nft, id, a0, share_supply(), uni.factory, buyout, offering).abi_encode_params();
        let (v, _) = s.deploy("AccumulatorVault", args).await?;
        let give = BaselineIp721::safeTransferFromCall {
            from: a0,
            to: v,
            id,
        };
        s.c.call(a0, nft, &give, U256::ZERO).await?;
        vaults.push(v);
    }
    let world = investors::World {
        amm: uni,
        vault: vaults[0],
        buyout_vault: vaults[1],
        offering,
        buyout,
    };
    investors::run(s.c, s.rec, Side::Solidity, &world).await
}

async fn splits(s: &mut Sol<'_>) -> Result<()> {
    let a0 = s.c.accounts[0];
    let (factory, _) = s.deploy("PullSplitterFactory", Vec::new()).await?;
    for (k, &n) in RECIPIENTS.iter().enumerate() {
        let (recipients, allocations) = split_members(n);
        let create = BaselineSplitFactory::createSplitCall {
            recipients: recipients.clone(),
            allocations,
            salt: B256::with_last_byte(k as u8),
        };
        let data = create.abi_encode();
        let r =
            s.c.send(a0, Some(factory), data.clone(), U256::ZERO)
                .await?;
        let split = r
            .logs()
            .iter()
            .find_map(|l| BaselineSplitFactory::SplitCreated::decode_log_data(l.data()).ok())
            .context("no SplitCreated")?
            .split;
        s.rec.scale("split creation", n, Side::Solidity, r.gas_used);
        if n == 2 {
            s.rec.op("split.create", Side::Solidity, r.gas_used, &data);
        }
        let dep = s.c.send(a0, Some(split), Vec::new(), eth(1)).await?;
        if n == 2 {
            s.rec.op("split.deposit", Side::Solidity, dep.gas_used, &[]);
        }
        let w = BaselineSplit::withdrawCall {
            recipient: recipients[n / 2],
        };
        let data = w.abi_encode();
        let r = s.c.send(a0, Some(split), data.clone(), U256::ZERO).await?;
        s.rec.scale("split withdraw", n, Side::Solidity, r.gas_used);
        if n == 2 {
            s.rec
                .op("split.withdraw", Side::Solidity, r.gas_used, &data);
        }
    }
    Ok(())
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
