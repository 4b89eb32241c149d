//! Solidity interfaces of the Arbitrum precompiles (ArbWasm, ArbWasmCache,
//! ArbSys, ArbOwnerPublic, ArbOwner, ArbDebug, ArbGasInfo):
//! calls, events and errors, shared by the precompiles that answer them
//! ([`crate::precompiles`], [`crate::cache_manager`]), ArbOS state
//! ([`crate::arbos`], whose activation errors are ArbWasm's) and callers.
#![allow(missing_docs, clippy::too_many_arguments)]
alloy_sol_types::sol! {
    #[sol(all_derives)]
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashKeepalive(bytes32 codehash) external payable;
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 _secs);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageRamp() external view returns (uint64 ramp);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);
        function activationGas() external view returns (uint64 gas);
        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);
        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    #[sol(all_derives)]
    interface ArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
        function cacheCodehash(bytes32 codehash) external;
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);
        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }

    #[sol(all_derives)]
    interface ArbSys {
        function arbBlockNumber() external view returns (uint256);
        function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);
        function getStorageGasAvailable() external view returns (uint256);
        function isTopLevelCall() external view returns (bool);
        function wasMyCallersAddressAliased() external view returns (bool);
        function myCallersAddressWithoutAliasing() external view returns (address);
    }

    #[sol(all_derives)]
    interface ArbOwnerPublic {
        function getMaxStylusContractFragments() external view returns (uint8);
        function getNetworkFeeAccount() external view returns (address);
        function getInfraFeeAccount() external view returns (address);
        function isChainOwner(address addr) external view returns (bool);
        function getAllChainOwners() external view returns (address[] memory);
        function getBrotliCompressionLevel() external view returns (uint64);
    }

    #[sol(all_derives)]
    interface ArbOwner {
        function addChainOwner(address newOwner) external;
        function removeChainOwner(address ownerToRemove) external;
        function isChainOwner(address addr) external view returns (bool);
        function getAllChainOwners() external view returns (address[] memory);
        function addWasmCacheManager(address manager) external;
        function removeWasmCacheManager(address manager) external;
        function setWasmActivationGas(uint64 gas) external;
        function setL1PricePerUnit(uint256 pricePerUnit) external;
        event OwnerActs(bytes4 indexed method, address indexed owner, bytes data);
    }

    #[sol(all_derives)]
    interface ArbDebug {
        function becomeChainOwner() external;
    }

    #[sol(all_derives)]
    interface ArbGasInfo {
        function getPricesInWei() external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
        function getPricesInArbGas() external view returns (uint256, uint256, uint256);
        function getMinimumGasPrice() external view returns (uint256);
        function getL1BaseFeeEstimate() external view returns (uint256);
        function getL1GasPriceEstimate() external view returns (uint256);
        function getCurrentTxL1GasFees() external view returns (uint256);
        function getGasAccountingParams() external view returns (uint256, uint256, uint256);
        function getPricingInertia() external view returns (uint64);
    }
}
