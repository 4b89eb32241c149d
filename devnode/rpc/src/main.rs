//! `stylus-devnode`: a local Arbitrum Stylus dev chain with an Ethereum JSON-RPC endpoint.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use stylus_devnode::{build_chain, lock, runtime, serve, DevnodeConfig};

/// Local Arbitrum Stylus dev chain (nitro-devnode compatible JSON-RPC + anvil test methods).
#[derive(Parser, Debug)]
#[command(name = "stylus-devnode", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 = any free port).
    #[arg(long, short, default_value_t = 8547)]
    port: u16,
    /// Chain id.
    #[arg(long, default_value_t = 412_346)]
    chain_id: u64,
    /// State file: loaded at start if it exists, written on clean shutdown (Ctrl-C).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Mine a block every S seconds instead of one block per transaction.
    #[arg(long, value_name = "S")]
    block_time: Option<f64>,
    /// Number of deterministic dev accounts (besides nitro-devnode's).
    #[arg(long, short, default_value_t = 10)]
    accounts: usize,
    /// Balance of each dev account, in ether.
    #[arg(long, default_value_t = 10_000)]
    balance: u64,
    /// Maximum contract code size in bytes (nitro's `--init.dev-max-code-size`).
    #[arg(long, default_value_t = 24_576)]
    max_code_size: usize,
    /// ArbOS version whose rules the chain follows: 61 (Arbitrum One and Nova since
    /// 2026-08-20) by default; e.g. 51 or 60 for older rules.
    #[arg(long, value_name = "N", default_value_t = devnode_chain::config::DEFAULT_ARBOS_VERSION,
          value_parser = clap::value_parser!(u64).range(31..=61))]
    arbos_version: u64,
    /// Don't print the accounts banner.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stylus-devnode: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let args = Args::parse();
    let block_time = match args.block_time {
        Some(s) if !(s.is_finite() && s > 0.0 && s < 1e6) => {
            return Err(
                format!("--block-time must be a positive number of seconds, got {s}").into(),
            )
        }
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    let mut config = DevnodeConfig {
        host: args.host,
        port: args.port,
        block_time,
        state_file: args.state.clone(),
        ..DevnodeConfig::default()
    };
    config.chain.chain_id = args.chain_id;
    config.chain.accounts = args.accounts;
    config.chain.max_code_size = args.max_code_size;
    config.chain.arbos_version = args.arbos_version;
    config.chain.balance = alloy_primitives::U256::from(args.balance)
        * alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(18));
    let chain = Arc::new(Mutex::new(build_chain(&config)?));
    let rt = runtime()?;
    rt.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::new(config.host, config.port)).await?;
        let addr = listener.local_addr()?;
        if !args.quiet {
            print_banner(&lock(&chain), &config);
        }
        println!(
            "Listening on http://{addr} (chain id {}, block {}, started in {} ms)",
            config.chain.chain_id,
            lock(&chain).block_number(),
            start.elapsed().as_millis()
        );
        serve(listener, chain, &config, shutdown_signal()).await?;
        if let Some(p) = &config.state_file {
            println!("State written to {}", p.display());
        }
        println!("Shut down cleanly.");
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}

fn print_banner(chain: &stylus_devnode::Chain, config: &DevnodeConfig) {
    println!("stylus-devnode {}", env!("CARGO_PKG_VERSION"));
    println!();
    println!(
        "Available accounts (balance {} wei each)",
        config.chain.balance
    );
    println!("==================");
    for (i, a) in chain.dev_accounts().iter().enumerate() {
        let note = if i == 0 {
            "  (nitro-devnode dev account)"
        } else {
            ""
        };
        println!("({i}) {}{note}", a.address);
    }
    println!();
    println!("Private keys");
    println!("==================");
    for (i, a) in chain.dev_accounts().iter().enumerate() {
        println!("({i}) {}", a.private_key_hex());
    }
    println!();
    println!("ArbOS version:    {}", config.chain.arbos_version);
    println!(
        "CREATE2 factory:  {}",
        devnode_chain::genesis::CREATE2_FACTORY
    );
    println!(
        "StylusDeployer:   {}",
        devnode_chain::genesis::STYLUS_DEPLOYER
    );
    match config.block_time {
        Some(d) => println!("Mining:           every {:?}", d),
        None => println!("Mining:           automine (one block per transaction)"),
    }
    if let Some(p) = &config.state_file {
        println!("State file:       {}", p.display());
    }
    println!();
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    println!("Shutting down...");
}
