//! The share-vault factory: fractionalises an IP asset in one transaction.
//!
//! The owner of an ERC-721 token (or of ERC-1155 units) approves this
//! factory on the asset and calls [`VaultFactory::fractionalize`]. The
//! factory checks ownership and that no lease encumbers the asset (an
//! ERC-721 token must have no user, whoever set it: a lock the creator set
//! for itself would bind the vault and whoever redeems it; ERC-1155 units
//! must not be frozen by user records), creates a new vault at a CREATE2 address
//! (`keccak256(creator, salt)`: nobody can take another creator's address)
//! as a 60-byte minimal proxy delegating to the one activated `ShareVault`
//! implementation (see `stylus_ip_proxy`: plain ETH is accepted by
//! the proxy itself in 15 gas, under any 2,300-gas stipend), initialises it
//! (shares minted to the chosen holders), moves the asset in with a safe
//! transfer and checks that the vault accepted it. [`VaultFactory::is_vault`]
//! tells vaults of this factory apart from look-alikes (it does not vouch
//! for the asset contract itself, which the creator chose). Every vault
//! gets the suite's licence market fixed at the factory's construction: the
//! only market its curator can lease the asset on; and, also fixed at
//! construction, the suite's buyout module (the only account that can
//! release a vault's asset, after a successful buyout; its shares never
//! accrue revenue) and the Uniswap V2 factory whose pairs of a vault's
//! shares can be registered as non-accruing pools. Either may be zero: that
//! feature is off for every vault of the factory.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// On-chain builds are `no_std`: std's panic runtime and message formatting
// would otherwise be linked in.
#![cfg_attr(
    all(target_arch = "wasm32", not(any(test, feature = "export-abi"))),
    no_std
)]
// `#[entrypoint]` generates undocumented public items (the WASM export, the
// ABI printer); docs are enforced everywhere else (native builds, clippy).
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

/// Traps on panic (the `unreachable` instruction reverts the call) without
/// formatting a message. Nothing here panics on user input.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

pub mod logic;

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use stylus_ip_common::abi::{address_at, encode, encode_with_bytes, uint_at, Word};
use stylus_sdk::{
    call::RawCall,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap},
};

stylus_ip_common::sol_decls! {
    /// The implementation address is zero (or the factory was not constructed).
    error VaultFactoryInvalidImplementation(address implementation);
    /// The licence market address is zero.
    error VaultFactoryInvalidMarket(address market);
    /// A holder is the vault itself (its shares could never move, and
    /// nobody could ever hold 100 % to redeem).
    error ERC20InvalidReceiver(address receiver);
    /// ERC-721 token `id` of `asset` has a user, `user`, until its expiry
    /// (locked lease or not, whoever holds it): the vault would inherit it.
    error VaultFactoryAssetHasUser(address asset, uint256 id, address user);
    /// `holders` and `amounts` are empty or of different lengths.
    error VaultFactoryInvalidHolders(uint256 holders, uint256 amounts);
    /// The name or symbol is too long (the vault takes at most 95 and 31 bytes).
    /// This and the next are the vault's own errors (same `Vault` name and
    /// selector): one decoding whether the factory or the vault rejects.
    error VaultInvalidMetadata(uint256 nameLength, uint256 symbolLength);
    /// More revenue tokens than a vault takes (8).
    error VaultTooManyRevenueTokens(uint256 count);
    /// `sender` does not own ERC-721 token `tokenId`; `owner` does.
    error ERC721IncorrectOwner(address sender, uint256 tokenId, address owner);
    /// `sender` holds `balance` units of `tokenId`, fewer than `needed`.
    error ERC1155InsufficientBalance(address sender, uint256 balance, uint256 needed, uint256 tokenId);
    /// The ERC-1155 units are frozen by lease (user) records.
    error VaultFactoryAssetLeaseLocked(address asset, uint256 id);
    /// This creator already used this salt.
    error VaultFactoryVaultExists(address vault);
    /// CREATE2 of the proxy failed.
    error VaultFactoryDeployFailed();
    /// The asset's transfer did not activate the vault (the asset contract
    /// did not call the vault's receiver hook).
    error VaultFactoryAssetNotReceived(address vault);

    /// `creator` fractionalised `units` of `asset` id `id` (`units` = 0:
    /// ERC-721) into `vault`, created with `salt`.
    event VaultCreated(address indexed vault, address indexed creator, address indexed asset, uint256 id, uint256 units, bytes32 salt);
}

stylus_ip_common::errors! {
    /// Errors of [`VaultFactory`] (revert data: `selector ‖ words`).
    /// External calls that revert (the asset's checks, the vault's
    /// `initialize`) are bubbled up verbatim.
    pub enum Error {
        /// See [`VaultFactoryInvalidImplementation`].
        InvalidImplementation(VaultFactoryInvalidImplementation { implementation }),
        /// See [`VaultFactoryInvalidMarket`].
        InvalidMarket(VaultFactoryInvalidMarket { market }),
        /// See [`ERC20InvalidReceiver`].
        InvalidReceiver(ERC20InvalidReceiver { receiver }),
        /// See [`VaultFactoryAssetHasUser`].
        AssetHasUser(VaultFactoryAssetHasUser { asset, id, user }),
        /// See [`VaultFactoryInvalidHolders`].
        InvalidHolders(VaultFactoryInvalidHolders { holders, amounts }),
        /// See [`VaultInvalidMetadata`].
        InvalidMetadata(VaultInvalidMetadata { nameLength, symbolLength }),
        /// See [`VaultTooManyRevenueTokens`].
        TooManyRevenueTokens(VaultTooManyRevenueTokens { count }),
        /// See [`ERC721IncorrectOwner`].
        IncorrectOwner(ERC721IncorrectOwner { sender, tokenId, owner }),
        /// See [`ERC1155InsufficientBalance`].
        InsufficientBalance(ERC1155InsufficientBalance { sender, balance, needed, tokenId }),
        /// See [`VaultFactoryAssetLeaseLocked`].
        AssetLeaseLocked(VaultFactoryAssetLeaseLocked { asset, id }),
        /// See [`VaultFactoryVaultExists`].
        VaultExists(VaultFactoryVaultExists { vault }),
        /// See [`VaultFactoryDeployFailed`].
        VaultDeployFailed(VaultFactoryDeployFailed {}),
        /// See [`VaultFactoryAssetNotReceived`].
        AssetNotReceived(VaultFactoryAssetNotReceived { vault }),
    }
}

/// Selectors of the calls the factory makes.
mod selectors {
    use alloy_primitives::{Address, U256};
    use stylus_sdk::{abi::Bytes, function_selector};

    /// `ownerOf(uint256)`.
    pub(crate) const OWNER_OF: [u8; 4] = function_selector!("ownerOf", U256);
    /// `userOf(uint256)` (ERC-4907).
    pub(crate) const USER_OF: [u8; 4] = function_selector!("userOf", U256);
    /// `balanceOf(address,uint256)` (ERC-1155).
    pub(crate) const BALANCE_OF: [u8; 4] = function_selector!("balanceOf", Address, U256);
    /// `frozenBalanceOf(address,uint256)` (ERC-5006: the owner's units
    /// frozen by active user records).
    pub(crate) const FROZEN_BALANCE_OF: [u8; 4] =
        function_selector!("frozenBalanceOf", Address, U256);
    /// `safeTransferFrom(address,address,uint256)` (ERC-721).
    pub(crate) const SAFE_TRANSFER_721: [u8; 4] =
        function_selector!("safeTransferFrom", Address, Address, U256);
    /// `safeTransferFrom(address,address,uint256,uint256,bytes)` (ERC-1155).
    pub(crate) const SAFE_TRANSFER_1155: [u8; 4] =
        function_selector!("safeTransferFrom", Address, Address, U256, U256, Bytes);
    /// The vault's `initialize(bytes)`.
    pub(crate) const INITIALIZE: [u8; 4] = function_selector!("initialize", Bytes);
    /// The vault's `status()`.
    pub(crate) const STATUS: [u8; 4] = function_selector!("status");
}
use selectors::*;

/// The vault's `status()` once it holds its asset.
const VAULT_ACTIVE: u8 = 2;

/// Calls (`read_only`: static-calls) `target` with `data`, no value, the
/// storage cache flushed first; returns the return data or the revert data.
fn call(target: Address, data: &[u8], read_only: bool) -> Result<Vec<u8>, Vec<u8>> {
    let raw = if read_only {
        RawCall::new_static()
    } else {
        RawCall::new()
    };
    // SAFETY: the factory is not re-entrant (the SDK's default: a re-entrant
    // call reverts) and pending storage writes are flushed before the call.
    unsafe { raw.flush_storage_cache().call(target, data) }
}

/// The factory (a singleton).
#[entrypoint]
#[storage]
pub struct VaultFactory {
    /// The activated `ShareVault` every vault proxy delegates to.
    implementation: StorageAddress,
    /// The suite's licence market, given to every vault.
    market: StorageAddress,
    /// Vaults created by this factory.
    vaults: StorageMap<Address, StorageBool>,
    /// The suite's buyout module, given to every vault (zero: none).
    buyout: StorageAddress,
    /// The Uniswap V2 factory, given to every vault (zero: no pools).
    amm_factory: StorageAddress,
    /// The suite's share offering, a non-accruing account of every vault
    /// (zero: none).
    offering: StorageAddress,
    /// The Uniswap V2 router, a non-accruing account of every vault (zero:
    /// none).
    amm_router: StorageAddress,
}

#[public]
impl VaultFactory {
    /// Sets the `ShareVault` implementation the vault proxies delegate to
    /// and what every vault gets: the suite's licence market, its buyout
    /// module, its share offering (a non-accruing account of every vault:
    /// shares escrowed for sale earn nothing, so no revenue is stranded
    /// there), the Uniswap V2 router (non-accruing too: it only forwards
    /// shares within a call) and the Uniswap V2 factory whose pairs may be
    /// registered as pools (any of the last four may be zero: that feature
    /// is off).
    ///
    /// # Errors
    /// [`Error::InvalidImplementation`] / [`Error::InvalidMarket`] for a
    /// zero implementation or market.
    #[constructor]
    pub fn constructor(
        &mut self,
        implementation: Address,
        market: Address,
        buyout: Address,
        offering: Address,
        amm_router: Address,
        amm_factory: Address,
    ) -> Result<(), Error> {
        if implementation.is_zero() {
            return Err(Error::InvalidImplementation(
                VaultFactoryInvalidImplementation { implementation },
            ));
        }
        if market.is_zero() {
            return Err(Error::InvalidMarket(VaultFactoryInvalidMarket { market }));
        }
        self.implementation.set(implementation);
        self.market.set(market);
        self.buyout.set(buyout);
        self.offering.set(offering);
        self.amm_router.set(amm_router);
        self.amm_factory.set(amm_factory);
        Ok(())
    }

    /// The `ShareVault` implementation the vault proxies delegate to.
    pub fn implementation(&self) -> Address {
        self.implementation.get()
    }

    /// The licence market every vault of this factory leases on.
    pub fn market(&self) -> Address {
        self.market.get()
    }

    /// The buyout module every vault of this factory gets (zero: none).
    pub fn buyout(&self) -> Address {
        self.buyout.get()
    }

    /// The share offering every vault of this factory treats as
    /// non-accruing (zero: none).
    pub fn offering(&self) -> Address {
        self.offering.get()
    }

    /// The Uniswap V2 router every vault of this factory treats as
    /// non-accruing (zero: none).
    pub fn amm_router(&self) -> Address {
        self.amm_router.get()
    }

    /// The Uniswap V2 factory every vault of this factory gets (zero:
    /// pools are off).
    pub fn amm_factory(&self) -> Address {
        self.amm_factory.get()
    }

    /// Whether `account` is a vault created by this factory.
    pub fn is_vault(&self, account: Address) -> bool {
        self.vaults.get(account)
    }

    /// The address of the vault `creator` gets by fractionalising with
    /// `salt` (ETH and tokens may be sent there in advance: they are shared
    /// among the initial holders).
    pub fn predict_vault(&self, creator: Address, salt: B256) -> Address {
        logic::predict_vault(
            self.vm().contract_address(),
            self.implementation.get(),
            creator,
            salt,
        )
    }

    /// Vaults `units` of ERC-1155 `asset` id `id`, or ERC-721 token `id` of
    /// `asset` when `units` is 0, into a new share vault at
    /// [`Self::predict_vault`]`(caller, salt)`: mints `amounts[i]` shares
    /// named `name`/`symbol` (18 decimals) to `holders[i]`, with `curator`
    /// (zero: none), the ERC-20 `revenue_tokens` allow-list (ETH is always
    /// accepted), the factory's licence market, buyout module and Uniswap V2
    /// factory, and `max_lease_duration`, the
    /// longest lease any vault offer may sell (seconds, at most 5 × 365
    /// days). The caller must own the asset and have approved this factory
    /// on it (`approve`/`setApprovalForAll`). Returns the vault.
    ///
    /// # Errors
    /// [`Error::InvalidImplementation`] if the factory was not constructed;
    /// [`Error::InvalidHolders`] for empty or mismatched lists;
    /// [`Error::InvalidReceiver`] if a holder is the vault itself;
    /// [`Error::InvalidMetadata`] / [`Error::TooManyRevenueTokens`] for a
    /// configuration too large to pass; [`Error::IncorrectOwner`] /
    /// [`Error::InsufficientBalance`] if the caller does not own the asset;
    /// [`Error::AssetHasUser`] if the ERC-721 token has a user (set and
    /// unexpired); [`Error::AssetLeaseLocked`] with the ERC-1155 units
    /// frozen by lease records;
    /// [`Error::VaultExists`] if the salt was used; [`Error::VaultDeployFailed`];
    /// the vault's own errors from `initialize` (zero supply, bad revenue
    /// token, `maxLeaseDuration` too long, …) and the asset's (missing
    /// approval, …), verbatim;
    /// [`Error::AssetNotReceived`] if the asset did not call the vault's
    /// receiver hook.
    ///
    /// # Events
    /// [`VaultCreated`] (and the vault's and asset's events).
    #[allow(clippy::too_many_arguments)]
    pub fn fractionalize(
        &mut self,
        asset: Address,
        id: U256,
        units: U256,
        name: String,
        symbol: String,
        holders: Vec<Address>,
        amounts: Vec<U256>,
        curator: Address,
        revenue_tokens: Vec<Address>,
        max_lease_duration: u64,
        salt: B256,
    ) -> Result<Address, Vec<u8>> {
        let creator = self.vm().msg_sender();
        let implementation = self.implementation.get();
        if implementation.is_zero() {
            return Err(
                Error::InvalidImplementation(VaultFactoryInvalidImplementation { implementation })
                    .into(),
            );
        }
        if holders.is_empty() || holders.len() != amounts.len() {
            return Err(Error::InvalidHolders(VaultFactoryInvalidHolders {
                holders: U256::from(holders.len()),
                amounts: U256::from(amounts.len()),
            })
            .into());
        }
        if revenue_tokens.len() > 255 {
            return Err(Error::TooManyRevenueTokens(VaultTooManyRevenueTokens {
                count: U256::from(revenue_tokens.len()),
            })
            .into());
        }
        let config = logic::encode_config(
            asset,
            id,
            units,
            curator,
            self.market.get(),
            max_lease_duration,
            self.buyout.get(),
            self.offering.get(),
            self.amm_router.get(),
            self.amm_factory.get(),
            &revenue_tokens,
            &name,
            &symbol,
            &holders,
            &amounts,
        )
        .ok_or(Error::InvalidMetadata(VaultInvalidMetadata {
            nameLength: U256::from(name.len()),
            symbolLength: U256::from(symbol.len()),
        }))?;

        self.check_ownership(creator, asset, id, units)?;

        let this = self.vm().contract_address();
        let vault = logic::predict_vault(this, implementation, creator, salt);
        if holders.contains(&vault) {
            return Err(Error::InvalidReceiver(ERC20InvalidReceiver { receiver: vault }).into());
        }
        if self.vaults.get(vault) {
            return Err(Error::VaultExists(VaultFactoryVaultExists { vault }).into());
        }
        let deployed = deploy(implementation, logic::vault_salt(creator, salt))
            .map_err(|_| Error::VaultDeployFailed(VaultFactoryDeployFailed {}))?;
        debug_assert_eq!(deployed, vault);
        self.vaults.insert(vault, true);

        call(vault, &encode_with_bytes(&INITIALIZE, &[], &config), false)?;
        if units.is_zero() {
            call(
                asset,
                &encode(
                    &SAFE_TRANSFER_721,
                    &[creator.word(), vault.word(), id.word()],
                ),
                false,
            )?;
        } else {
            let data = encode_with_bytes(
                &SAFE_TRANSFER_1155,
                &[creator.word(), vault.word(), id.word(), units.word()],
                &[],
            );
            call(asset, &data, false)?;
        }
        let status = call(vault, &STATUS, true)
            .ok()
            .and_then(|out| uint_at(&out, 0));
        if status != Some(U256::from(VAULT_ACTIVE)) {
            return Err(Error::AssetNotReceived(VaultFactoryAssetNotReceived { vault }).into());
        }

        stylus_ip_common::emit!(VaultCreated, [vault, creator, asset], [id, units, salt]);
        Ok(vault)
    }
}

impl VaultFactory {
    /// Checks that `creator` owns the asset and that no lease encumbers it:
    /// an ERC-721 token has no user, ERC-1155 units are not frozen.
    fn check_ownership(
        &self,
        creator: Address,
        asset: Address,
        id: U256,
        units: U256,
    ) -> Result<(), Vec<u8>> {
        let locked = if units.is_zero() {
            let owner = address_at(&call(asset, &encode(&OWNER_OF, &[id.word()]), true)?, 0)
                .unwrap_or_default();
            if owner != creator {
                return Err(Error::IncorrectOwner(ERC721IncorrectOwner {
                    sender: creator,
                    tokenId: id,
                    owner,
                })
                .into());
            }
            // Any user, even the creator itself (its lock would bind the
            // vault and whoever redeems). Assets without ERC-4907 (no
            // `userOf`) have no users.
            let user = call(asset, &encode(&USER_OF, &[id.word()]), true)
                .ok()
                .and_then(|out| address_at(&out, 0))
                .unwrap_or_default();
            if !user.is_zero() {
                return Err(
                    Error::AssetHasUser(VaultFactoryAssetHasUser { asset, id, user }).into(),
                );
            }
            false
        } else {
            let balance = call(
                asset,
                &encode(&BALANCE_OF, &[creator.word(), id.word()]),
                true,
            )
            .ok()
            .and_then(|out| uint_at(&out, 0))
            .unwrap_or_default();
            if balance < units {
                return Err(Error::InsufficientBalance(ERC1155InsufficientBalance {
                    sender: creator,
                    balance,
                    needed: units,
                    tokenId: id,
                })
                .into());
            }
            // Units frozen by lease records cannot move: the free balance
            // must cover `units`. Assets without records (no
            // `frozenBalanceOf`) never freeze.
            call(
                asset,
                &encode(&FROZEN_BALANCE_OF, &[creator.word(), id.word()]),
                true,
            )
            .ok()
            .and_then(|out| uint_at(&out, 0))
            .is_some_and(|frozen| balance.checked_sub(frozen).is_none_or(|free| free < units))
        };
        if locked {
            return Err(Error::AssetLeaseLocked(VaultFactoryAssetLeaseLocked { asset, id }).into());
        }
        Ok(())
    }
}

/// CREATE2 of the minimal proxy to `implementation` with `salt`.
#[cfg(not(test))]
fn deploy(implementation: Address, salt: B256) -> Result<Address, Vec<u8>> {
    let code = stylus_ip_proxy::proxy_init_code(implementation.into_array());
    // SAFETY: the init code is the fixed proxy prelude, which makes no call,
    // so nothing can re-enter or alias storage during the deploy.
    #[allow(deprecated)]
    unsafe {
        stylus_sdk::deploy::RawDeploy::new()
            .salt(salt)
            .deploy(&code, U256::ZERO)
    }
}

/// motsu cannot run CREATE2 (its `create2` hostio is a stub), so under test
/// the "deployment" succeeds exactly when the test placed a contract at the
/// address CREATE2 would give (computed here independently of the caller).
#[cfg(test)]
fn deploy(implementation: Address, salt: B256) -> Result<Address, Vec<u8>> {
    let hash = stylus_ip_proxy::proxy_init_code_hash(implementation.into_array());
    #[allow(deprecated)]
    let factory = stylus_sdk::contract::address();
    let address = Address::from(stylus_ip_proxy::predict_create2_address(
        factory.into_array(),
        salt.0,
        hash,
    ));
    #[allow(deprecated)]
    let exists = stylus_sdk::types::AddressVM::has_code(&address);
    if exists {
        Ok(address)
    } else {
        Err(Vec::new())
    }
}

#[cfg(test)]
mod tests;
