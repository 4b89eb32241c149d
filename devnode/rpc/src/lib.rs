//! `stylus-devnode`: an Ethereum JSON-RPC node (HTTP) over [`devnode_chain`], meant to look
//! like nitro-devnode to alloy, ethers.js, viem, Foundry's `cast` and `cargo stylus`, plus
//! anvil-style test methods (`evm_*`, `anvil_*`: time travel, snapshots, state edits).
//!
//! In-process use (tests):
//! ```no_run
//! let node = stylus_devnode::Devnode::spawn(stylus_devnode::DevnodeConfig::default())?;
//! println!("JSON-RPC at {}", node.url());
//! # Ok::<(), stylus_devnode::DevnodeError>(())
//! ```
//! The server runs on its own thread and runtime; dropping the handle shuts it down (and
//! writes the `--state` file when one is configured).

pub mod jsonrpc;
mod methods;
mod server;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use devnode_chain::{Chain, ChainConfig, ChainDump, DevAccount, Executor};
pub use methods::{lock, SharedChain};
pub use server::serve;

/// The execution engine used by the node (Stylus-capable by default).
pub fn default_executor(config: &ChainConfig) -> Box<dyn Executor> {
    devnode_chain::default_executor(config)
}

/// Node configuration.
#[derive(Clone, Debug)]
pub struct DevnodeConfig {
    /// Address to bind (127.0.0.1 by default).
    pub host: IpAddr,
    /// Port (8547 like nitro-devnode; 0 picks a free one).
    pub port: u16,
    /// Chain settings.
    pub chain: ChainConfig,
    /// Interval mining period (`None`: automine, one block per transaction).
    pub block_time: Option<Duration>,
    /// State file: loaded at start when it exists, written on shutdown.
    pub state_file: Option<PathBuf>,
    /// Maximum HTTP body size in bytes (default 32 MiB).
    pub max_body_bytes: usize,
    /// Maximum number of calls in one batch (default 1000).
    pub max_batch: usize,
}

impl Default for DevnodeConfig {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8547,
            chain: ChainConfig::default(),
            block_time: None,
            state_file: None,
            max_body_bytes: 32 * 1024 * 1024,
            max_batch: 1000,
        }
    }
}

impl DevnodeConfig {
    /// Configuration for tests: 127.0.0.1 on a free port.
    pub fn ephemeral() -> Self {
        Self {
            port: 0,
            ..Self::default()
        }
    }
}

/// Errors starting or stopping the node.
#[derive(Debug, thiserror::Error)]
pub enum DevnodeError {
    /// Socket or file I/O.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Chain creation or state loading.
    #[error("{0}")]
    Chain(#[from] devnode_chain::ChainError),
    /// Malformed state file.
    #[error("state file {path}: {msg}")]
    StateFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        msg: String,
    },
}

/// Builds the chain for `config`, restoring the state file when it exists.
///
/// # Errors
/// Genesis failure, unreadable or invalid state file.
pub fn build_chain(config: &DevnodeConfig) -> Result<Chain, DevnodeError> {
    let mut chain = Chain::new(config.chain.clone())?;
    if let Some(path) = &config.state_file {
        if path.exists() {
            let bytes = std::fs::read(path)?;
            let dump: ChainDump =
                serde_json::from_slice(&bytes).map_err(|e| DevnodeError::StateFile {
                    path: path.clone(),
                    msg: e.to_string(),
                })?;
            chain.restore(&dump).map_err(|e| DevnodeError::StateFile {
                path: path.clone(),
                msg: e.to_string(),
            })?;
        }
    }
    if config.block_time.is_some() {
        chain.set_automine(false);
    }
    Ok(chain)
}

/// Writes the chain to `path` atomically (temp file + rename).
///
/// # Errors
/// I/O errors.
pub fn save_state(chain: &SharedChain, path: &std::path::Path) -> Result<(), DevnodeError> {
    let dump = lock(chain).dump();
    let bytes = serde_json::to_vec(&dump).map_err(|e| DevnodeError::StateFile {
        path: path.to_path_buf(),
        msg: e.to_string(),
    })?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// A running node (in-process). Dropping it shuts the server down.
pub struct DevnodeHandle {
    addr: SocketAddr,
    url: String,
    chain: SharedChain,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), DevnodeError>>>,
}

/// Entry point for running the node in-process.
pub struct Devnode;

impl Devnode {
    /// Starts a node on its own thread; returns once it accepts connections.
    ///
    /// # Errors
    /// Bind failure, genesis failure, bad state file.
    pub fn spawn(config: DevnodeConfig) -> Result<DevnodeHandle, DevnodeError> {
        let chain = Arc::new(Mutex::new(build_chain(&config)?));
        let listener = std::net::TcpListener::bind(SocketAddr::new(config.host, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server_chain = chain.clone();
        let thread = std::thread::Builder::new()
            .name("stylus-devnode".into())
            .spawn(move || -> Result<(), DevnodeError> {
                let rt = runtime()?;
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    serve(listener, server_chain, &config, async {
                        let _ = rx.await;
                    })
                    .await
                })
            })?;
        Ok(DevnodeHandle {
            addr,
            url: format!("http://{addr}"),
            chain,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }
}

/// The multi-threaded runtime the node uses (big stacks for deep execution).
///
/// # Errors
/// Runtime creation failure.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .thread_stack_size(64 * 1024 * 1024)
        .enable_all()
        .build()
}

impl DevnodeHandle {
    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The chain (for direct in-process access; lock it briefly).
    pub fn chain(&self) -> &SharedChain {
        &self.chain
    }

    /// The funded dev accounts (nitro-devnode's first).
    pub fn dev_accounts(&self) -> Vec<DevAccount> {
        lock(&self.chain).dev_accounts().to_vec()
    }

    /// Stops the server, waits for it, and writes the state file if configured.
    ///
    /// # Errors
    /// Server or state-file errors.
    pub fn shutdown(mut self) -> Result<(), DevnodeError> {
        self.stop()
    }

    fn stop(&mut self) -> Result<(), DevnodeError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(DevnodeError::Io(std::io::Error::other(
                "server thread panicked",
            ))),
            None => Ok(()),
        }
    }
}

impl Drop for DevnodeHandle {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
