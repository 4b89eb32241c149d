//! `stylus-ip-gateway --config gateway.toml --rpc-url URL`: serves the
//! licence-gated model until Ctrl-C or SIGTERM, then shuts down gracefully.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use stylus_ip_gateway::{server, Config};

/// Licence-gated model-access gateway for stylus-ip assets.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// The TOML configuration (see gateway/gateway.example.toml).
    #[arg(long)]
    config: PathBuf,
    /// The chain's JSON-RPC endpoint.
    #[arg(long)]
    rpc_url: String,
    /// Listen address (overrides the configuration's `listen`).
    #[arg(long)]
    listen: Option<std::net::SocketAddr>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(&cli.config)?;
    if let Some(l) = cli.listen {
        config.listen = l;
    }
    let key = std::env::var(&config.lab_key_env)
        .with_context(|| format!("the lab's attester key: set {}", config.lab_key_env))?;
    let lab = stylus_ip_deploy::provenance::signer_from_hex(&key)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    for r in &config.routes {
        eprintln!(
            "route POST /v1/generate/{}: {}{}",
            r.name,
            server::describe(r),
            r.requests_per_day
                .map(|n| format!(", {n} requests/day per licence"))
                .unwrap_or_default()
        );
    }
    eprintln!(
        "stylus-ip-gateway on http://{} (chain {}, market {}, lab attester {})",
        listener.local_addr()?,
        config.chain_id,
        config.market,
        lab.address()
    );
    let handle = stylus_ip_gateway::start(config, &cli.rpc_url, lab, listener).await?;
    handle
        .run_until(async {
            server::shutdown_signal().await;
            eprintln!("shutting down: finishing in-flight requests");
        })
        .await?;
    eprintln!("stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_shape() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "stylus-ip-gateway",
            "--config",
            "gateway.toml",
            "--rpc-url",
            "http://127.0.0.1:8547",
        ])
        .unwrap();
        assert_eq!(cli.config, PathBuf::from("gateway.toml"));
        assert!(cli.listen.is_none());
        assert!(Cli::try_parse_from(["stylus-ip-gateway", "--config", "g.toml"]).is_err());
    }
}
