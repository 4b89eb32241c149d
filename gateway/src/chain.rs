//! Chain reads over JSON-RPC: the latest block, the licence facts of one
//! token at one block, ERC-1271 signatures, and event logs. Every read is
//! timed ([`Metrics::chain_read`]) and bounded by a timeout; a node that
//! does not answer is [`ChainError::Unavailable`] (the gateway then fails
//! closed), a call that reverts is an answer (the fact does not hold).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy::eips::BlockId;
use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, Bytes, FixedBytes, Log, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Filter, TransactionRequest};
use alloy::sol_types::SolCall;
use stylus_ip_deploy::bindings::{IpCollection, LicenseMarket};

use crate::metrics::Metrics;
use crate::policy::{licensed_grant, owner_grant, user_grant, Check, Grant};

alloy::sol! {
    /// ERC-1271's one function.
    interface IERC1271 {
        function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
    }
}

/// ERC-1271's magic value.
pub const ERC1271_MAGIC: [u8; 4] = [0x16, 0x26, 0xba, 0x7e];

/// A failed chain read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ChainError {
    /// The node could not be reached or did not answer in time.
    #[error("{0}")]
    Unavailable(String),
}

/// A call's outcome: its return data, or a revert / error answer.
type CallOutcome = Result<Bytes, String>;

/// The chain, as the gateway reads it.
#[derive(Debug, Clone)]
pub struct Chain {
    provider: DynProvider,
    market: Address,
    timeout: Duration,
    metrics: Arc<Metrics>,
}

impl Chain {
    /// A reader of the node at `rpc_url`.
    ///
    /// # Errors
    /// When the URL does not parse.
    pub fn new(
        rpc_url: &str,
        market: Address,
        timeout: Duration,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        let url = rpc_url
            .parse()
            .map_err(|e| anyhow::anyhow!("RPC URL `{rpc_url}`: {e}"))?;
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .connect_http(url)
            .erased();
        Ok(Self {
            provider,
            market,
            timeout,
            metrics,
        })
    }

    async fn timed<T, E: std::fmt::Display>(
        &self,
        what: &str,
        f: impl std::future::Future<Output = Result<T, E>>,
    ) -> Result<T, ChainError> {
        let start = Instant::now();
        let out = tokio::time::timeout(self.timeout, f).await;
        self.metrics.chain_read(start.elapsed());
        match out {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                self.metrics
                    .chain_errors
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Err(ChainError::Unavailable(format!("{what}: {e}")))
            }
            Err(_) => {
                self.metrics
                    .chain_errors
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Err(ChainError::Unavailable(format!(
                    "{what}: no answer within {} ms",
                    self.timeout.as_millis()
                )))
            }
        }
    }

    /// The latest block's number and timestamp.
    ///
    /// # Errors
    /// When the node cannot be read.
    pub async fn latest(&self) -> Result<(u64, u64), ChainError> {
        let block = self
            .timed("eth_getBlockByNumber", async {
                self.provider
                    .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
                    .await
            })
            .await?
            .ok_or_else(|| ChainError::Unavailable("the node has no latest block".into()))?;
        Ok((block.header.number, block.header.timestamp))
    }

    /// `eth_call` at `block`.
    async fn call(
        &self,
        to: Address,
        data: Vec<u8>,
        block: u64,
    ) -> Result<CallOutcome, ChainError> {
        let tx = TransactionRequest::default().with_to(to).with_input(data);
        let res = tokio::time::timeout(self.timeout, async {
            let start = Instant::now();
            let r = self.provider.call(tx).block(BlockId::number(block)).await;
            self.metrics.chain_read(start.elapsed());
            r
        })
        .await;
        match res {
            Err(_) => {
                self.metrics
                    .chain_errors
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Err(ChainError::Unavailable(format!(
                    "eth_call: no answer within {} ms",
                    self.timeout.as_millis()
                )))
            }
            Ok(Ok(out)) => Ok(Ok(out)),
            // The node answered: a revert or an execution error is an answer.
            Ok(Err(e)) if e.as_error_resp().is_some() => Ok(Err(e.to_string())),
            Ok(Err(e)) => {
                self.metrics
                    .chain_errors
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Err(ChainError::Unavailable(format!("eth_call: {e}")))
            }
        }
    }

    async fn view<C: SolCall>(
        &self,
        to: Address,
        call: C,
        block: u64,
    ) -> Result<Option<C::Return>, ChainError> {
        Ok(self
            .call(to, call.abi_encode(), block)
            .await?
            .ok()
            .and_then(|out| C::abi_decode_returns(&out).ok()))
    }

    /// Whether `check` grants `account` access to the token at `block`
    /// (gateway time `now`).
    ///
    /// # Errors
    /// When the node cannot be read.
    pub async fn grant(
        &self,
        check: Check,
        collection: Address,
        token_id: U256,
        account: Address,
        block: u64,
        now: u64,
    ) -> Result<Option<Grant>, ChainError> {
        Ok(match check {
            Check::Licensed => {
                let call = LicenseMarket::isLicensedCall {
                    collection,
                    tokenId: token_id,
                    account,
                };
                self.view(self.market, call, block)
                    .await?
                    .and_then(|r| licensed_grant(r._0, r._1, r._2, now))
            }
            Check::Owner => {
                let owner = self
                    .view(
                        collection,
                        IpCollection::ownerOfCall { tokenId: token_id },
                        block,
                    )
                    .await?;
                owner_grant(owner, account)
            }
            Check::User => {
                let user = self
                    .view(
                        collection,
                        IpCollection::userOfCall { tokenId: token_id },
                        block,
                    )
                    .await?;
                let expires = self
                    .view(
                        collection,
                        IpCollection::userExpiresCall { tokenId: token_id },
                        block,
                    )
                    .await?;
                match (user, expires) {
                    (Some(u), Some(e)) => user_grant(u, e, account, now),
                    _ => None,
                }
            }
        })
    }

    /// ERC-1271: whether the contract at `account` accepts `signature` over
    /// `digest` at the latest block (an account without code, or a contract
    /// that reverts or answers anything but the magic value, does not).
    ///
    /// # Errors
    /// When the node cannot be read.
    pub async fn erc1271_valid(
        &self,
        account: Address,
        digest: B256,
        signature: Bytes,
        block: u64,
    ) -> Result<bool, ChainError> {
        let call = IERC1271::isValidSignatureCall {
            hash: digest,
            signature,
        };
        let magic: Option<FixedBytes<4>> = self.view(account, call, block).await?;
        Ok(magic.is_some_and(|m| m.0 == ERC1271_MAGIC))
    }

    /// Logs of blocks `from..=to` emitted by `addresses` with one of
    /// `topics` as their first topic.
    ///
    /// # Errors
    /// When the node cannot be read.
    pub async fn logs(
        &self,
        from: u64,
        to: u64,
        addresses: &BTreeSet<Address>,
        topics: Vec<B256>,
    ) -> Result<Vec<Log>, ChainError> {
        let filter = Filter::new()
            .from_block(from)
            .to_block(to)
            .address(addresses.iter().copied().collect::<Vec<_>>())
            .event_signature(topics);
        let logs = self
            .timed("eth_getLogs", async {
                self.provider.get_logs(&filter).await
            })
            .await?;
        Ok(logs.into_iter().map(|l| l.inner).collect())
    }
}
