//! `stylus-ip-bench`: gas per user operation for the stylus-ip suite beside
//! OpenZeppelin Solidity (and our Solidity ports where OZ has none), on the
//! embedded devnode; writes `bench/RESULTS.md` and `bench/results.json`.
//!
//! Run from the repository root: `cargo run --release --manifest-path bench/Cargo.toml`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::sol;
use alloy::sol_types::{SolCall, SolValue};
use anyhow::{bail, Context, Result};
use serde::Serialize;
use stylus_devnode::{Devnode, DevnodeConfig};

use stylus_ip_bench::floor::{self, StateWork};
use stylus_ip_bench::solidity;

sol! {
    interface IIp721 {
        function mint(address to, string uri, address royaltyReceiver, uint96 bps) external returns (uint256);
        function transferFrom(address from, address to, uint256 id) external;
        function safeTransferFrom(address from, address to, uint256 id) external;
        function approve(address to, uint256 id) external;
        function royaltyInfo(uint256 id, uint256 price) external view returns (address, uint256);
        function setUser(uint256 id, address user, uint64 expires) external;
        function setLeaseOperator(address operator, bool approved) external;
    }
    interface IIp1155 {
        function createId(uint256 max, address receiver, uint96 bps) external returns (uint256);
        function mint(address to, uint256 id, uint256 amount, bytes data) external;
        function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data) external;
        function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data) external;
        function createUserRecord(address owner, address user, uint256 id, uint64 amount, uint64 expiry) external returns (uint256);
    }
    interface IMarket {
        function createOffer(address collection, uint256 tokenId, address payee, uint128 pricePerSecond, uint64 minDuration, uint64 maxDuration, uint64 endsAt, bytes32 termsHash) external returns (uint256);
        function buyLease(uint256 offerId, uint64 duration, uint256 maxPrice) external payable;
    }
    interface IVault {
        function transfer(address to, uint256 value) external returns (bool);
        function claim() external;
    }
    interface ISplitFactory {
        function createSplit(address[] recipients, uint32[] allocations, bytes32 salt) external returns (address);
        function implementation() external view returns (address);
    }
    interface ISplit {
        function withdraw(address recipient) external;
    }
}

/// One measured operation.
#[derive(Debug, Clone, Serialize)]
struct Row {
    group: &'static str,
    op: String,
    solidity_gas: u64,
    floor: Option<u64>,
    stylus_gas: Option<u64>,
}

/// A scaling measurement.
#[derive(Debug, Clone, Serialize)]
struct ScalePoint {
    series: &'static str,
    n: usize,
    solidity_gas: u64,
    stylus_gas: Option<u64>,
}

struct Bench {
    provider: DynProvider,
    accounts: Vec<Address>,
    rows: Vec<Row>,
}

impl Bench {
    async fn send(
        &self,
        from: Address,
        to: Option<Address>,
        data: Vec<u8>,
        value: U256,
    ) -> Result<TransactionReceipt> {
        let mut tx = TransactionRequest::default()
            .with_from(from)
            .with_input(data)
            .with_value(value);
        tx = match to {
            Some(to) => tx.with_to(to),
            None => tx.into_create(),
        };
        // The devnode automines: the receipt exists as soon as the send returns,
        // so poll it directly instead of alloy's block-interval watcher.
        let hash = *self.provider.send_transaction(tx).await?.tx_hash();
        let receipt = loop {
            if let Some(r) = self.provider.get_transaction_receipt(hash).await? {
                break r;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        };
        if !receipt.status() {
            bail!("transaction {} reverted", receipt.transaction_hash);
        }
        Ok(receipt)
    }

    async fn deploy(&self, out: &Path, name: &str, args: Vec<u8>) -> Result<(Address, u64)> {
        let art = solidity::load(out, name)?;
        let mut code = art.bytecode.to_vec();
        code.extend_from_slice(&args);
        let r = self.send(self.accounts[0], None, code, U256::ZERO).await?;
        let addr = r.contract_address.context("no contract address")?;
        Ok((addr, r.gas_used))
    }

    /// Sends a call and records it as an operation row. (Each argument is a
    /// distinct column of the row; bundling them would only add a struct.)
    #[allow(clippy::too_many_arguments)]
    async fn op<C: SolCall>(
        &mut self,
        group: &'static str,
        op: &str,
        from: Address,
        to: Address,
        call: C,
        value: U256,
        work: Option<StateWork>,
    ) -> Result<TransactionReceipt> {
        let data = call.abi_encode();
        let floor = work.map(|w| floor::floor(&data, &w));
        let r = self
            .send(from, Some(to), data, value)
            .await
            .with_context(|| format!("{group}: {op}"))?;
        self.rows.push(Row {
            group,
            op: op.to_string(),
            solidity_gas: r.gas_used,
            floor,
            stylus_gas: None,
        });
        Ok(r)
    }

    fn record(&mut self, group: &'static str, op: &str, gas: u64) {
        self.rows.push(Row {
            group,
            op: op.to_string(),
            solidity_gas: gas,
            floor: None,
            stylus_gas: None,
        });
    }
}

const TRANSFER_LOG: &[(u64, u64)] = &[(4, 0)];

fn fresh(i: u64) -> Address {
    let mut b = [0u8; 20];
    b[0] = 0xF0;
    b[12..].copy_from_slice(&i.to_be_bytes());
    Address::from(b)
}

async fn run_erc721(b: &mut Bench, out: &Path) -> Result<()> {
    let (a0, a1, a2, a3) = (b.accounts[0], b.accounts[1], b.accounts[2], b.accounts[3]);
    let (nft, gas) = b
        .deploy(
            out,
            "BaselineIp721",
            (a0, a0, U256::from(500)).abi_encode_params(),
        )
        .await?;
    b.record("erc721", "new collection (deploy)", gas);
    let mint = |to| IIp721::mintCall {
        to,
        uri: "ipfs://bafy/1".into(),
        royaltyReceiver: Address::ZERO,
        bps: alloy::primitives::Uint::from(0u64),
    };
    // owner, balance and token URI slots set; the id counter updated
    let work_mint = StateWork {
        new_slots: 3,
        updated_slots: 1,
        logs: TRANSFER_LOG,
        ..StateWork::default()
    };
    b.op(
        "erc721",
        "mint (fresh holder)",
        a0,
        nft,
        mint(a1),
        U256::ZERO,
        Some(work_mint),
    )
    .await?;
    b.op(
        "erc721",
        "mint (existing holder)",
        a0,
        nft,
        mint(a1),
        U256::ZERO,
        None,
    )
    .await?;
    for _ in 0..3 {
        b.send(a0, Some(nft), mint(a1).abi_encode(), U256::ZERO)
            .await?;
    }
    let one = U256::from(1);
    let xfer = StateWork {
        new_slots: 1,
        updated_slots: 2,
        logs: TRANSFER_LOG,
        ..StateWork::default()
    };
    b.op(
        "erc721",
        "transferFrom (to fresh holder)",
        a1,
        nft,
        IIp721::transferFromCall {
            from: a1,
            to: a2,
            id: one,
        },
        U256::ZERO,
        Some(xfer),
    )
    .await?;
    b.op(
        "erc721",
        "transferFrom (to existing holder)",
        a1,
        nft,
        IIp721::transferFromCall {
            from: a1,
            to: a2,
            id: U256::from(2),
        },
        U256::ZERO,
        None,
    )
    .await?;
    b.op(
        "erc721",
        "safeTransferFrom (EOA)",
        a1,
        nft,
        IIp721::safeTransferFromCall {
            from: a1,
            to: a3,
            id: U256::from(3),
        },
        U256::ZERO,
        None,
    )
    .await?;
    b.op(
        "erc721",
        "approve",
        a1,
        nft,
        IIp721::approveCall {
            to: a3,
            id: U256::from(4),
        },
        U256::ZERO,
        Some(StateWork {
            new_slots: 1,
            read_slots: 1,
            logs: TRANSFER_LOG,
            ..StateWork::default()
        }),
    )
    .await?;
    b.op(
        "erc721",
        "royaltyInfo (as a tx)",
        a0,
        nft,
        IIp721::royaltyInfoCall {
            id: one,
            price: U256::from(10u64).pow(U256::from(18)),
        },
        U256::ZERO,
        None,
    )
    .await?;
    let now = b
        .provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await?
        .context("no block")?
        .header
        .timestamp;
    // user, expiry and lock flag pack into one slot; the owner slot is read
    b.op(
        "erc721",
        "setUser (owner, fresh)",
        a2,
        nft,
        IIp721::setUserCall {
            id: one,
            user: a3,
            expires: now + 3600,
        },
        U256::ZERO,
        Some(StateWork {
            new_slots: 1,
            read_slots: 1,
            logs: &[(3, 32)],
            ..StateWork::default()
        }),
    )
    .await?;

    // lease market: owner a2 opts the market in as lease operator and offers token 2
    let (market, gas) = b.deploy(out, "LeaseMarket", Vec::new()).await?;
    b.record("lease", "market (deploy)", gas);
    b.send(
        a2,
        Some(nft),
        IIp721::setLeaseOperatorCall {
            operator: market,
            approved: true,
        }
        .abi_encode(),
        U256::ZERO,
    )
    .await?;
    let offer = IMarket::createOfferCall {
        collection: nft,
        tokenId: U256::from(2),
        payee: a2,
        pricePerSecond: 1_000_000_000u128,
        minDuration: 60,
        maxDuration: 90 * 86_400,
        endsAt: now + 365 * 86_400,
        termsHash: alloy::primitives::B256::repeat_byte(7),
    };
    b.op("lease", "create offer", a2, market, offer, U256::ZERO, None)
        .await?;
    let price = U256::from(1_000_000_000u64) * U256::from(30u64 * 86_400);
    let buy = IMarket::buyLeaseCall {
        offerId: one,
        duration: 30 * 86_400,
        maxPrice: price,
    };
    b.op(
        "lease",
        "lease purchase (30 days)",
        a3,
        market,
        buy.clone(),
        price,
        None,
    )
    .await?;
    b.op(
        "lease",
        "lease renewal (same licensee)",
        a3,
        market,
        buy,
        price,
        None,
    )
    .await?;
    Ok(())
}

async fn run_erc1155(b: &mut Bench, out: &Path) -> Result<()> {
    let (a0, a1, a2) = (b.accounts[0], b.accounts[1], b.accounts[2]);
    let (mt, gas) = b
        .deploy(
            out,
            "BaselineIp1155",
            (a0, a0, U256::from(500)).abi_encode_params(),
        )
        .await?;
    b.record("erc1155", "new pack collection (deploy)", gas);
    for _ in 0..3 {
        b.send(
            a0,
            Some(mt),
            IIp1155::createIdCall {
                max: U256::ZERO,
                receiver: Address::ZERO,
                bps: alloy::primitives::Uint::from(0u64),
            }
            .abi_encode(),
            U256::ZERO,
        )
        .await?;
    }
    let mint = |id: u64| IIp1155::mintCall {
        to: a1,
        id: U256::from(id),
        amount: U256::from(100),
        data: Bytes::new(),
    };
    b.op(
        "erc1155",
        "mint (fresh balance)",
        a0,
        mt,
        mint(1),
        U256::ZERO,
        Some(StateWork {
            new_slots: 2,
            logs: &[(4, 64)],
            ..StateWork::default()
        }),
    )
    .await?;
    b.send(a0, Some(mt), mint(2).abi_encode(), U256::ZERO)
        .await?;
    b.send(a0, Some(mt), mint(3).abi_encode(), U256::ZERO)
        .await?;
    b.op(
        "erc1155",
        "safeTransferFrom (fresh receiver)",
        a1,
        mt,
        IIp1155::safeTransferFromCall {
            from: a1,
            to: a2,
            id: U256::from(1),
            value: U256::from(10),
            data: Bytes::new(),
        },
        U256::ZERO,
        None,
    )
    .await?;
    let ids = vec![U256::from(1), U256::from(2), U256::from(3)];
    b.op(
        "erc1155",
        "safeBatchTransferFrom (3 ids)",
        a1,
        mt,
        IIp1155::safeBatchTransferFromCall {
            from: a1,
            to: a2,
            ids,
            values: vec![U256::from(1); 3],
            data: Bytes::new(),
        },
        U256::ZERO,
        None,
    )
    .await?;
    let ts = b
        .provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await?
        .context("no block")?
        .header
        .timestamp;
    b.op(
        "erc1155",
        "createUserRecord",
        a1,
        mt,
        IIp1155::createUserRecordCall {
            owner: a1,
            user: a2,
            id: U256::from(1),
            amount: 5,
            expiry: ts + 3600,
        },
        U256::ZERO,
        None,
    )
    .await?;
    Ok(())
}

async fn run_vault(b: &mut Bench, out: &Path, scale: &mut Vec<ScalePoint>) -> Result<()> {
    let (a0, a1) = (b.accounts[0], b.accounts[1]);
    let supply = U256::from(10u64).pow(U256::from(24));
    let (nft, _) = b
        .deploy(
            out,
            "OzErc721Royalty",
            (a0, a0, U256::from(500)).abi_encode_params(),
        )
        .await?;
    let (vault, gas) = b
        .deploy(
            out,
            "AccumulatorVault",
            (nft, U256::from(1), a0, supply).abi_encode_params(),
        )
        .await?;
    b.record("shares", "fractionalise (vault deploy)", gas);
    let eth = U256::from(10u64).pow(U256::from(18));
    b.op(
        "shares",
        "share transfer (fresh holder)",
        a0,
        vault,
        IVault::transferCall {
            to: a1,
            value: supply / U256::from(10),
        },
        U256::ZERO,
        None,
    )
    .await?;
    let r = b.send(a0, Some(vault), Vec::new(), eth).await?;
    b.record("shares", "revenue deposit (plain ETH)", r.gas_used);
    b.op(
        "shares",
        "claim",
        a1,
        vault,
        IVault::claimCall {},
        U256::ZERO,
        None,
    )
    .await?;
    // scaling: holders 1, 10, 100, 1000 (fresh vault each time)
    for &n in &[1usize, 10, 100, 1000] {
        let (v, _) = b
            .deploy(
                out,
                "AccumulatorVault",
                (nft, U256::from(1), a0, supply).abi_encode_params(),
            )
            .await?;
        for i in 1..n {
            b.send(
                a0,
                Some(v),
                IVault::transferCall {
                    to: fresh(i as u64),
                    value: U256::from(1000),
                }
                .abi_encode(),
                U256::ZERO,
            )
            .await?;
        }
        b.send(a0, Some(v), Vec::new(), eth).await?;
        let t = b
            .send(
                a0,
                Some(v),
                IVault::transferCall {
                    to: fresh(5_000_000 + n as u64),
                    value: U256::from(1000),
                }
                .abi_encode(),
                U256::ZERO,
            )
            .await?;
        scale.push(ScalePoint {
            series: "share transfer",
            n,
            solidity_gas: t.gas_used,
            stylus_gas: None,
        });
        b.send(a0, Some(v), Vec::new(), eth).await?;
        let c = b
            .send(a0, Some(v), IVault::claimCall {}.abi_encode(), U256::ZERO)
            .await?;
        scale.push(ScalePoint {
            series: "claim",
            n,
            solidity_gas: c.gas_used,
            stylus_gas: None,
        });
    }
    Ok(())
}

async fn run_splits(b: &mut Bench, out: &Path, scale: &mut Vec<ScalePoint>) -> Result<()> {
    let a0 = b.accounts[0];
    let (factory, gas) = b.deploy(out, "PullSplitterFactory", Vec::new()).await?;
    b.record("splits", "split factory (deploy)", gas);
    for (k, &n) in [2usize, 50, 500].iter().enumerate() {
        let mut recipients: Vec<Address> = (0..n as u64).map(|i| fresh(1_000 + i)).collect();
        recipients.sort();
        let mut allocations = vec![(1_000_000 / n) as u32; n];
        allocations[0] += 1_000_000 - allocations.iter().sum::<u32>();
        let create = ISplitFactory::createSplitCall {
            recipients: recipients.clone(),
            allocations,
            salt: alloy::primitives::B256::with_last_byte(k as u8),
        };
        let r = b
            .send(a0, Some(factory), create.abi_encode(), U256::ZERO)
            .await?;
        let split = r
            .logs()
            .last()
            .map(|l| Address::from_slice(&l.data().data[12..32]))
            .context("no SplitCreated")?;
        scale.push(ScalePoint {
            series: "split creation",
            n,
            solidity_gas: r.gas_used,
            stylus_gas: None,
        });
        if n == 2 {
            b.record("splits", "split creation (2 recipients)", r.gas_used);
        }
        let dep = b
            .send(
                a0,
                Some(split),
                Vec::new(),
                U256::from(10u64).pow(U256::from(18)),
            )
            .await?;
        if n == 2 {
            b.record("splits", "revenue deposit (plain ETH)", dep.gas_used);
        }
        let w = b
            .send(
                a0,
                Some(split),
                ISplit::withdrawCall {
                    recipient: recipients[n / 2],
                }
                .abi_encode(),
                U256::ZERO,
            )
            .await?;
        scale.push(ScalePoint {
            series: "split withdraw",
            n,
            solidity_gas: w.gas_used,
            stylus_gas: None,
        });
        if n == 2 {
            b.record("splits", "split withdraw", w.gas_used);
        }
    }
    Ok(())
}

/// Contract sizes: Solidity runtime bytecode and Stylus code (from `cargo ip build`).
fn sizes_markdown(out: &Path, root: &Path) -> Result<String> {
    let mut s = String::from(
        "\n## Sizes\n\n| contract | kind | bytes | % of 24,576 |\n|---|---|---:|---:|\n",
    );
    let sizes = root.join("target/wasm/sizes.json");
    match std::fs::read_to_string(&sizes) {
        Ok(text) => {
            let v: serde_json::Value = serde_json::from_str(&text)?;
            for a in v.as_array().into_iter().flatten() {
                let code = a["code_bytes"].as_u64().unwrap_or(0);
                s.push_str(&format!(
                    "| {} | Stylus (brotli + prefix; raw {} B) | {} | {:.1}% |\n",
                    a["contract"].as_str().unwrap_or("?"),
                    a["raw_bytes"].as_u64().unwrap_or(0),
                    code,
                    code as f64 * 100.0 / 24_576.0
                ));
            }
        }
        Err(_) => s.push_str("| (run `cargo ip build` first) | Stylus | | |\n"),
    }
    for name in [
        "OzErc721Royalty",
        "BaselineIp721",
        "OzErc1155Supply",
        "BaselineIp1155",
        "OzErc20",
        "AccumulatorVault",
        "PullSplitter",
        "LeaseMarket",
    ] {
        let a = solidity::load(out, name)?;
        s.push_str(&format!(
            "| {name} | Solidity runtime | {} | {:.1}% |\n",
            a.runtime_len,
            a.runtime_len as f64 * 100.0 / 24_576.0
        ));
    }
    Ok(s)
}

fn results_markdown(rows: &[Row], scale: &[ScalePoint], speed: &Speed, when: &str) -> String {
    let mut s = String::new();
    s.push_str("# stylus-ip benchmarks\n\n");
    s.push_str(&format!("Generated by `stylus-ip-bench` on {when}. Receipt `gasUsed` on the embedded devnode (ArbOS 51 rules, L1 gas 0).\n\n"));
    s.push_str("Solidity: solc 0.8.37 (solc-js), OpenZeppelin Contracts 5.7.0, optimizer 200 runs, evmVersion cancun; our own ports in `bench/sol/` where OZ has none.\n\n");
    s.push_str("## Gas per operation\n\n| group | operation | Solidity | floor | Solidity over floor | Stylus | ratio |\n|---|---|---:|---:|---:|---:|---:|\n");
    for r in rows {
        let floor = r.floor.map_or("".into(), |f| f.to_string());
        let over = r
            .floor
            .map_or("".into(), |f| r.solidity_gas.saturating_sub(f).to_string());
        let stylus = r.stylus_gas.map_or("pending".into(), |g| g.to_string());
        let ratio = r.stylus_gas.map_or("".into(), |g| {
            format!("{:.2}", g as f64 / r.solidity_gas as f64)
        });
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.group, r.op, r.solidity_gas, floor, over, stylus, ratio
        ));
    }
    s.push_str("\nThe Stylus column fills in once the devnode executes Stylus WASM (devnode issue, part 1).\n\n## Scaling\n\n| series | n | Solidity | Stylus |\n|---|---:|---:|---:|\n");
    for p in scale {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            p.series,
            p.n,
            p.solidity_gas,
            p.stylus_gas.map_or("pending".into(), |g| g.to_string())
        ));
    }
    s.push_str(&format!(
        "\n## Devnode\n\n| figure | value |\n|---|---:|\n| cold start (spawn to first answer) | {:.1} ms |\n| ERC-721 transfers per second over JSON-RPC (Solidity, sequential, one client) | {:.0} |\n",
        speed.cold_start_ms, speed.rpc_transfers_per_sec
    ));
    s
}

/// Devnode speed figures.
#[derive(Debug, Clone, Serialize)]
struct Speed {
    cold_start_ms: f64,
    rpc_transfers_per_sec: f64,
}

async fn rpc_speed(b: &Bench, out: &Path) -> Result<f64> {
    let (a0, a1) = (b.accounts[0], b.accounts[1]);
    let (nft, _) = b
        .deploy(
            out,
            "OzErc721Royalty",
            (a0, a0, U256::from(500)).abi_encode_params(),
        )
        .await?;
    sol! { function mint(address to, uint256 id); }
    const N: u64 = 200;
    for i in 0..N {
        b.send(
            a0,
            Some(nft),
            mintCall {
                to: a0,
                id: U256::from(i),
            }
            .abi_encode(),
            U256::ZERO,
        )
        .await?;
    }
    let start = Instant::now();
    for i in 0..N {
        b.send(
            a0,
            Some(nft),
            IIp721::transferFromCall {
                from: a0,
                to: a1,
                id: U256::from(i),
            }
            .abi_encode(),
            U256::ZERO,
        )
        .await?;
    }
    Ok(N as f64 / start.elapsed().as_secs_f64())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let bench_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    eprintln!("compiling Solidity baselines");
    let out = solidity::compile(&bench_dir)?;

    let start = Instant::now();
    let node = Devnode::spawn(DevnodeConfig::ephemeral())?;
    let url = node.url().to_string();
    let accounts = node.dev_accounts();
    let mut wallet = EthereumWallet::from(accounts[0].signer.clone());
    for a in &accounts[1..] {
        wallet.register_signer(a.signer.clone());
    }
    let provider = ProviderBuilder::new()
        .wallet(wallet)
        .connect_http(url.parse()?)
        .erased();
    provider.get_chain_id().await?;
    let cold_start_ms = start.elapsed().as_secs_f64() * 1e3;

    let mut b = Bench {
        provider,
        accounts: accounts.iter().map(|a| a.address).collect(),
        rows: Vec::new(),
    };
    let mut scale = Vec::new();
    eprintln!("measuring ERC-721 and leases");
    run_erc721(&mut b, &out).await?;
    eprintln!("measuring ERC-1155");
    run_erc1155(&mut b, &out).await?;
    eprintln!("measuring shares (with 1..1000 holders)");
    run_vault(&mut b, &out, &mut scale).await?;
    eprintln!("measuring splits (2, 50, 500 recipients)");
    run_splits(&mut b, &out, &mut scale).await?;
    eprintln!("measuring devnode speed");
    let speed = Speed {
        cold_start_ms,
        rpc_transfers_per_sec: rpc_speed(&b, &out).await?,
    };

    let when = String::from_utf8(
        std::process::Command::new("date")
            .arg("-u")
            .arg("+%Y-%m-%d %H:%M UTC")
            .output()?
            .stdout,
    )?;
    let root = bench_dir.parent().context("bench/ has a parent")?;
    let md = results_markdown(&b.rows, &scale, &speed, when.trim()) + &sizes_markdown(&out, root)?;
    std::fs::write(bench_dir.join("RESULTS.md"), &md)?;
    let json = serde_json::json!({ "generated": when.trim(), "operations": b.rows, "scaling": scale, "devnode": speed });
    std::fs::write(
        bench_dir.join("results.json"),
        serde_json::to_string_pretty(&json)? + "\n",
    )?;
    print!("{md}");
    drop(node);
    Ok(())
}
