//! `stylus-ip-bench`: gas per user operation for the stylus-ip suite (its
//! real WASM, programs cached and uncached) beside OpenZeppelin Solidity, on
//! the embedded devnode; scaling, sizes and devnode speed. Writes
//! `bench/RESULTS.md`, `bench/results.json` and `bench/charts/*.svg`.
//!
//! Run from the repository root after `cargo ip build`:
//! `cargo ip-bench` (the alias of `cargo run --release --manifest-path
//! bench/Cargo.toml --target-dir target/devnode`).
//!
//! `stylus-ip-bench gateway` measures only the licence-gated gateway under
//! load and replaces the "Gateway" section of `RESULTS.md` (and
//! `report.gateway` in `results.json`) with what the full run would write;
//! `stylus-ip-bench studio` does the same for the studio batch mint.
//!
//! To compare another build without touching the committed report, point
//! `STYLUS_IP_BENCH_WASM` at a directory of `<contract>.wasm` files and
//! `STYLUS_IP_BENCH_OUT` at an output directory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use stylus_devnode::{Devnode, DevnodeConfig, DevnodeHandle};

use stylus_ip_bench::charts::{self, BarSeries, Line, Panel};
use stylus_ip_bench::report::{self, EntryCost, Machine, Recorder, Report, Side, SizeRow, Speed};
use stylus_ip_bench::stylus::{Wasm, CONTRACTS};
use stylus_ip_bench::{baseline, chain::Client, entries, solidity, speed, stylus};

/// Transfers timed for each throughput figure.
const TRANSFERS: u64 = 2_000;

/// Solidity baselines whose runtime size the report lists.
const SOLIDITY_CONTRACTS: [&str; 12] = [
    "OzErc721Royalty",
    "BaselineIp721",
    "OzErc1155Supply",
    "BaselineIp1155",
    "LeaseMarketTwin",
    "ProvenanceBaseline",
    "ShareVaultTwin",
    "ShareVaultTwinFactory",
    "SplitTwin",
    "SplitFactoryTwin",
    "OfferingBaseline",
    "BuyoutBaseline",
];

/// The configuration of every devnode the bench spawns (its ArbOS version
/// is the one the report states).
fn devnode_config() -> DevnodeConfig {
    DevnodeConfig::ephemeral()
}

async fn node() -> Result<(DevnodeHandle, Client, f64)> {
    let start = Instant::now();
    let node = Devnode::spawn(devnode_config())?;
    let client = Client::connect(node.url(), &node.dev_accounts()).await?;
    Ok((node, client, start.elapsed().as_secs_f64() * 1e3))
}

fn sh(cmd: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or_else(|| "unknown CPU".into(), |s| s.trim().to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(
            || "unknown memory".into(),
            |kib| format!("{:.0} GiB RAM", kib / 1024.0 / 1024.0),
        );
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| std::env::consts::OS.into());
    Machine {
        cpu,
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        memory,
        os,
        rustc: sh("rustc", &["--version"]).unwrap_or_else(|| "rustc ?".into()),
        load: std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default(),
    }
}

/// The checkout (with `+dirty` for local changes) and when the newest
/// `target/wasm/*.wasm` was written.
fn code_version(root: &Path, wasm_dir: &Path) -> String {
    let root_s = root.to_string_lossy();
    let head = sh("git", &["-C", &root_s, "rev-parse", "--short", "HEAD"]).unwrap_or_default();
    let dirty = sh(
        "git",
        &["-C", &root_s, "status", "--porcelain", "--", "contracts"],
    )
    .is_some_and(|s| !s.is_empty());
    let newest = CONTRACTS
        .iter()
        .filter_map(|c| {
            std::fs::metadata(wasm_dir.join(format!("{c}.wasm")))
                .ok()?
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
        })
        .max()
        .map(|d| d.as_secs().to_string());
    let built = newest
        .and_then(|secs| {
            sh(
                "date",
                &["-u", "-d", &format!("@{secs}"), "+%Y-%m-%d %H:%M UTC"],
            )
        })
        .unwrap_or_else(|| "?".into());
    format!(
        "checkout `{head}`{}, `target/wasm` built {built}",
        if dirty {
            " (contracts/ modified locally)"
        } else {
            ""
        }
    )
}

fn sizes(wasm: &Wasm) -> Vec<SizeRow> {
    CONTRACTS
        .iter()
        .map(|&c| SizeRow {
            contract: c.to_string(),
            raw: wasm.get(c).len(),
            compressed: stylus_validate::program_code(wasm.get(c)).len(),
        })
        .collect()
}

fn write_charts(r: &Report, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let (small, big): (Vec<_>, Vec<_>) = r.operations.iter().partition(|o| {
        [o.solidity, o.stylus_cached, o.stylus_uncached]
            .iter()
            .flatten()
            .all(|&g| g < 900_000)
    });
    for (name, title, rows) in [
        (
            "gas-per-op.svg",
            "Gas per operation (receipt gasUsed)",
            small,
        ),
        ("gas-creation.svg", "Gas of deployments and creations", big),
    ] {
        let cats: Vec<String> = rows
            .iter()
            .map(|o| format!("{}: {}", o.group, o.label))
            .collect();
        let series = vec![
            BarSeries {
                name: "Stylus (cached)".into(),
                color: charts::STYLUS_CACHED,
                values: rows.iter().map(|o| o.stylus_cached).collect(),
            },
            BarSeries {
                name: "Stylus (uncached)".into(),
                color: charts::STYLUS_UNCACHED,
                values: rows.iter().map(|o| o.stylus_uncached).collect(),
            },
            BarSeries {
                name: "Solidity".into(),
                color: charts::SOLIDITY,
                values: rows.iter().map(|o| o.solidity).collect(),
            },
        ];
        let floors: Vec<Option<u64>> = rows.iter().map(|o| o.floor).collect();
        let notes: Vec<String> = rows
            .iter()
            .map(|o| {
                o.ratio_cached()
                    .map_or_else(String::new, |x| format!("{x:.2}×"))
            })
            .collect();
        let svg = charts::bars(
            title,
            &cats,
            &series,
            Some(&floors),
            &notes,
            "cached ÷ Solidity",
        );
        std::fs::write(dir.join(name), svg)?;
    }
    let panel = |series: &str, x_label: &str| Panel {
        title: series.to_string(),
        x_label: x_label.to_string(),
        lines: [
            (
                "Stylus (cached)",
                charts::STYLUS_CACHED,
                false,
                Side::StylusCached,
            ),
            (
                "Stylus (uncached)",
                charts::STYLUS_UNCACHED,
                true,
                Side::StylusUncached,
            ),
            ("Solidity", charts::SOLIDITY, false, Side::Solidity),
        ]
        .iter()
        .map(|&(name, color, dashed, side)| Line {
            name: name.into(),
            color,
            dashed,
            points: r
                .scaling
                .iter()
                .filter(|p| p.series == series)
                .filter_map(|p| {
                    let g = match side {
                        Side::Solidity => p.solidity,
                        Side::StylusUncached => p.stylus_uncached,
                        Side::StylusCached => p.stylus_cached,
                    };
                    Some((p.n as f64, g?))
                })
                .collect(),
        })
        .collect(),
    };
    std::fs::write(
        dir.join("scaling-holders.svg"),
        charts::lines(
            "Gas against the number of share holders",
            &[
                panel("claim", "holders"),
                panel("share transfer", "holders"),
            ],
        ),
    )?;
    std::fs::write(
        dir.join("scaling-recipients.svg"),
        charts::lines(
            "Gas against the number of split recipients",
            &[
                panel("split withdraw", "recipients"),
                panel("split creation", "recipients"),
            ],
        ),
    )?;
    std::fs::write(dir.join("sizes.svg"), charts::sizes(&r.sizes))?;
    Ok(())
}

/// The gateway under load ([`stylus_ip_bench::gateway::run`]), on a thread
/// of its own: the demo it plays runs its own runtime.
fn gateway_load(root: &Path, load: String) -> Result<stylus_ip_bench::gateway::GatewayLoad> {
    let root = root.to_path_buf();
    let generated = sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    std::thread::spawn(move || stylus_ip_bench::gateway::run(&root, generated, load))
        .join()
        .map_err(|_| anyhow::anyhow!("the gateway bench panicked"))?
}

/// The studio batch mint ([`stylus_ip_bench::studio::run`]), on a thread
/// of its own: it runs its own runtime.
fn studio_run(root: &Path, load: String) -> Result<stylus_ip_bench::studio::StudioBench> {
    let root = root.to_path_buf();
    let generated = sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    std::thread::spawn(move || stylus_ip_bench::studio::run(&root, generated, load))
        .join()
        .map_err(|_| anyhow::anyhow!("the studio bench panicked"))?
}

/// `stylus-ip-bench gateway|studio`: one section alone, spliced into the
/// existing `RESULTS.md` (under `heading`) and `results.json` (as
/// `report.<key>`).
fn section_only(
    out_dir: &Path,
    heading: &str,
    key: &str,
    section: &str,
    value: serde_json::Value,
) -> Result<()> {
    let md_path = out_dir.join("RESULTS.md");
    let md = std::fs::read_to_string(&md_path).unwrap_or_default();
    std::fs::write(&md_path, report::splice_section(&md, heading, section))?;
    let json_path = out_dir.join("results.json");
    if let Ok(text) = std::fs::read_to_string(&json_path) {
        let mut json: serde_json::Value =
            serde_json::from_str(&text).context("parsing results.json")?;
        json["report"][key] = value;
        std::fs::write(&json_path, serde_json::to_string_pretty(&json)? + "\n")?;
    }
    print!("{section}");
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let bench_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = bench_dir
        .parent()
        .context("bench/ has a parent")?
        .to_path_buf();
    // Overrides for comparing builds without touching the committed report:
    // STYLUS_IP_BENCH_WASM = directory of <contract>.wasm (default target/wasm),
    // STYLUS_IP_BENCH_OUT = where RESULTS.md, results.json and charts/ go (default bench/).
    let wasm_dir = std::env::var_os("STYLUS_IP_BENCH_WASM")
        .map_or_else(|| root.join("target/wasm"), PathBuf::from);
    let out_dir =
        std::env::var_os("STYLUS_IP_BENCH_OUT").map_or_else(|| bench_dir.clone(), PathBuf::from);
    std::fs::create_dir_all(&out_dir)?;
    match std::env::args().nth(1).as_deref() {
        None => {}
        Some("gateway") => {
            let g = gateway_load(&root, machine().load)?;
            let section = report::gateway_section(&g);
            let value = serde_json::to_value(&g)?;
            return section_only(
                &out_dir,
                report::GATEWAY_HEADING,
                "gateway",
                &section,
                value,
            );
        }
        Some("studio") => {
            let st = studio_run(&root, machine().load)?;
            let section = report::studio_section(&st);
            let value = serde_json::to_value(&st)?;
            return section_only(&out_dir, report::STUDIO_HEADING, "studio", &section, value);
        }
        Some(other) => {
            anyhow::bail!("unknown section `{other}` (`gateway` and `studio` run alone)")
        }
    }
    let wasm = Wasm::load(&wasm_dir)?;
    let machine = machine();
    let arbos_version = devnode_config().chain.arbos_version;
    let stylus_version = stylus_vm::VmConfig::arbos(arbos_version).stylus.version;
    eprintln!("devnode rules: ArbOS {arbos_version} (Stylus version {stylus_version})");
    eprintln!("compiling Solidity baselines");
    let out = solidity::compile(&bench_dir)?;
    eprintln!("loading Uniswap V2 from npm");
    let amm = stylus_ip_deploy::uniswap::Artifacts::load(&root)?;
    let mut rec = Recorder::default();

    // Three fresh chains, so that no side sees accounts another side created.
    let (node_a, mut a, cold_start_ms) = node().await?;
    eprintln!("Solidity baselines (devnode cold start {cold_start_ms:.1} ms)");
    baseline::run(&mut a, &mut rec, &out, &amm).await?;
    drop(a);
    node_a.shutdown()?;

    let (node_b, mut b, _) = node().await?;
    eprintln!("Stylus, programs not cached");
    stylus::run(&mut b, &mut rec, Side::StylusUncached, &wasm, &amm).await?;
    drop(b);
    node_b.shutdown()?;

    let (node_c, mut c, _) = node().await?;
    eprintln!("Stylus, programs cached");
    let programs = stylus::run(&mut c, &mut rec, Side::StylusCached, &wasm, &amm).await?;
    let mut entry_costs = Vec::new();
    for (&contract, &program) in CONTRACTS.iter().zip(&programs) {
        let (footprint_pages, memory_gas, init_gas, cached_gas) =
            c.entry_cost(program, arbos_version).await?;
        entry_costs.push(EntryCost {
            contract: contract.to_string(),
            footprint_pages,
            memory_gas,
            init_gas,
            cached_gas,
        });
    }
    let accounts = c.accounts.clone();
    eprintln!("devnode speed");
    let rpc_tps = speed::rpc_tps(&mut c, wasm.get("ip-collection"), TRANSFERS).await?;
    drop(c);
    node_c.shutdown()?;
    let in_process_tps =
        speed::in_process_tps(wasm.get("ip-collection"), TRANSFERS, arbos_version)?;
    eprintln!(
        "lease entries into programs, ArbOS {} and {arbos_version}",
        entries::BEFORE_CACHE_ARBOS
    );
    let lease_entries = entries::run(&wasm, &accounts, arbos_version)?;
    eprintln!("the gateway under load");
    let gateway = gateway_load(&root, machine.load.clone())?;
    eprintln!("the studio batch mint");
    let studio = studio_run(&root, machine.load.clone())?;

    let report = Report {
        generated: sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default(),
        machine,
        code: code_version(&root, &wasm_dir),
        arbos_version,
        stylus_version,
        operations: rec.rows(),
        scaling: rec.scaling(),
        sizes: sizes(&wasm),
        entry_costs,
        lease_entries,
        solidity_sizes: SOLIDITY_CONTRACTS
            .iter()
            .map(|&n| Ok((n.to_string(), solidity::load(&out, n)?.runtime_len)))
            .collect::<Result<_>>()?,
        devnode: Speed {
            rpc_cold_start_ms: cold_start_ms,
            in_process_start_ms: speed::in_process_start_ms(),
            in_process_tps,
            rpc_tps,
            transfers: TRANSFERS,
        },
        gateway: Some(gateway),
        studio: Some(studio),
    };
    write_charts(&report, &out_dir.join("charts"))?;
    let md = report::markdown(&report, &stylus_ip_bench::report::analysis(&report));
    std::fs::write(out_dir.join("RESULTS.md"), &md)?;
    let json = serde_json::json!({ "report": report, "targets": report.targets() });
    std::fs::write(
        out_dir.join("results.json"),
        serde_json::to_string_pretty(&json)? + "\n",
    )?;
    print!("{md}");
    Ok(())
}
