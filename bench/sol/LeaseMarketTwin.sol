// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity twin of contracts/license-market's ERC-721 path, written for this
// bench (as OfferingBaseline.sol and BuyoutBaseline.sol twin theirs): the
// same storage words, checks in the same order, records and events, so the
// lease rows compare the two languages rather than two designs.
//
// Ported from license-market (lib.rs, logic.rs):
// * the offer's slots, packed as the Stylus `Offer` storage struct: lessor;
//   collection; payment token; payee + meta (max licensees bits 0-31, flags
//   32-39, status 40-47, royalty cap 48-63) + version (u32) in one word;
//   params (amount, min and max duration, end time: one u64 per limb);
//   token id; price per second; terms hash; the ERC-1155 slot list (unused
//   here); the per-version terms of earlier versions, written only by
//   `updateOffer`;
// * `createOffer` (validation, holder and lease-operator checks, counter,
//   OfferCreated + OfferTermsSet), `updateOffer` (version bump, the outgoing
//   terms hash kept for the leases bought under it), `cancelOffer`;
// * `buyLease` / `renewLease`: offer open and not ended, version match,
//   duration bounds, price ≤ max, payment, already licensed (purchase) or
//   active licence needed (renewal, extended from its current expiry), the
//   `now + maxDuration` expiry bound, then ONE `leaseTo(tokenId, lessor,
//   licensee, expires, renew, price)` call on the asset, which answers the
//   checks (owner, the lessor's lease-operator flag, lock, user expiry,
//   royalty) and, when they pass, sets the licensee as the token's user in
//   the same call; the answers checked in the Stylus order, the royalty
//   within the offer's cap, the payment split; the lease word per (offer,
//   licensee): expiry bits 0-63, ERC-1155 slot 64-95, record flag bit 128,
//   offer version bits 192-223 (the terms hash is the offer's at that
//   version, not copied); the licence index (collection, token, account) →
//   offer id with the longest-running rule; royalty, payee and refund
//   pushed with 100,000 gas each,
//   failed pushes credited (PaymentCredited); LeasePurchased / LeaseRenewed;
//   a transient re-entrancy guard for the Stylus SDK's;
// * `withdraw`, `offerCount`, `leaseOf`, `isLicensed` (ERC-721 answer).
//
// Not ported: ERC-1155 offers (units, ERC-5006 records, slots), ERC-20
// payment tokens (createOffer accepts ETH offers only), the fallback to the
// separate asset views and `setUser` when an asset has no `leaseTo` (or its
// `leaseTo` reverts: the twin reverts with the asset's error), `quote`,
// `offer`, `withdrawTo`, `creditOf`.

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

interface ILeaseAsset {
    function ownerOf(uint256 tokenId) external view returns (address);
    function isLeaseOperator(address owner, address operator) external view returns (bool);
    function userOf(uint256 tokenId) external view returns (address);
    function leaseTo(uint256 tokenId, address lessor, address user, uint64 expires, bool renew, uint256 salePrice)
        external
        returns (address owner, bool approved, bool locked, uint64 userExpires, address receiver, uint256 amount);
}

contract LeaseMarketTwin is ReentrancyGuardTransient {
    uint8 private constant STATUS_OPEN = 1;
    uint8 private constant STATUS_CANCELLED = 2;
    uint8 private constant FLAGS_ALL = 7;
    uint64 private constant MAX_LEASE_DURATION = 5 * 365 days;
    uint16 private constant BPS = 10_000;
    uint256 private constant ETH_PUSH_GAS = 100_000;

    struct OfferTerms {
        uint256 pricePerSecond;
        address paymentToken;
        uint64 minDuration;
        uint64 maxDuration;
        uint64 endTime;
        uint32 maxLicensees;
        address payee;
        bytes32 termsHash;
        string termsUri;
        uint8 flags;
        uint16 maxRoyaltyBps;
    }

    struct Offer {
        address lessor;
        address collection;
        address paymentToken;
        address payee;
        uint64 meta;
        uint32 version;
        uint256 params;
        uint256 tokenId;
        uint256 pricePerSecond;
        bytes32 termsHash;
        uint64[] slots;
        mapping(uint32 => bytes32) pastTerms;
    }

    struct Lease {
        uint256 state;
        uint256 recordId;
    }

    /// The offer fields a sale needs (license-market's `Sale`).
    struct Sale {
        address lessor;
        address collection;
        uint256 tokenId;
        uint256 pricePerSecond;
        uint64 minDuration;
        uint64 maxDuration;
        address payee;
        uint16 maxRoyaltyBps;
        uint32 version;
    }

    error LicenseMarketUnknownOffer(uint256 offerId);
    error LicenseMarketOfferCancelled(uint256 offerId);
    error LicenseMarketOfferEnded(uint256 offerId, uint64 endTime);
    error LicenseMarketDurationOutOfBounds(uint64 duration, uint64 minDuration, uint64 maxDuration);
    error LicenseMarketPriceAboveMax(uint256 price, uint256 maxPrice);
    error LicenseMarketInsufficientPayment(uint256 price, uint256 paid);
    error LicenseMarketLessorNotOwner(address collection, uint256 tokenId, address lessor);
    error LicenseMarketOperatorNotApproved(address collection, address lessor);
    error LicenseMarketTokenLeased(address collection, uint256 tokenId, uint256 expires);
    error LicenseMarketAlreadyLicensed(uint256 offerId, address licensee, uint64 expires);
    error LicenseMarketNotLicensee(uint256 offerId, address account);
    error LicenseMarketUnauthorizedLessor(uint256 offerId, address account);
    error LicenseMarketInvalidPayee(address payee);
    error LicenseMarketInvalidDurationBounds(uint64 minDuration, uint64 maxDuration);
    error LicenseMarketInvalidRoyaltyCap(uint16 maxRoyaltyBps);
    error LicenseMarketOfferVersionMismatch(uint256 offerId, uint32 quoted, uint32 current);
    error LicenseMarketRoyaltyAboveCap(uint256 offerId, uint256 royalty, uint256 maxRoyalty);
    error LicenseMarketLeaseTooLong(uint64 expires, uint64 latest);
    error LicenseMarketInvalidEndTime(uint64 endTime);
    error LicenseMarketInvalidMaxLicensees(uint32 maxLicensees);
    error LicenseMarketInvalidFlags(uint8 flags);
    error LicenseMarketLeaseRejected(address collection, uint256 tokenId);
    error LicenseMarketNothingToWithdraw(address token);
    error LicenseMarketTransferFailed(address token, address to, uint256 amount);
    error UnsupportedByTwin();

    event OfferCreated(
        uint256 indexed offerId, address indexed lessor, address indexed collection, uint256 tokenId, uint64 amount
    );
    event OfferTermsSet(
        uint256 indexed offerId,
        uint256 pricePerSecond,
        address paymentToken,
        uint64 minDuration,
        uint64 maxDuration,
        uint64 endTime,
        uint32 maxLicensees,
        address payee,
        bytes32 termsHash,
        uint8 flags,
        uint16 maxRoyaltyBps,
        uint32 version,
        string termsUri
    );
    event OfferCancelled(uint256 indexed offerId);
    event LeasePurchased(
        uint256 indexed offerId, address indexed licensee, uint64 expires, uint256 price, uint256 royaltyPaid
    );
    event LeaseRenewed(
        uint256 indexed offerId, address indexed licensee, uint64 expires, uint256 price, uint256 royaltyPaid
    );
    event PaymentCredited(address indexed account, address indexed token, uint256 amount);
    event Withdrawal(address indexed account, address indexed token, uint256 amount);

    uint256 private _offerCount;
    mapping(uint256 => Offer) private _offers;
    mapping(uint256 => mapping(address => Lease)) private _leases;
    mapping(address => mapping(uint256 => mapping(address => uint256))) private _licenceOf;
    mapping(address => mapping(address => uint256)) private _credits;

    // ------------------------------------------------------------------
    // Offers
    // ------------------------------------------------------------------

    function createOffer(address collection, uint256 tokenId, uint64 amount, OfferTerms calldata terms)
        external
        returns (uint256 id)
    {
        if (amount != 0 || terms.paymentToken != address(0)) revert UnsupportedByTwin();
        _validate(terms, amount);
        address lessor = msg.sender;
        _checkHolder(collection, tokenId, lessor);
        _checkOperator(collection, lessor);
        id = _offerCount + 1;
        _offerCount = id;
        Offer storage o = _offers[id];
        o.lessor = lessor;
        o.collection = collection;
        o.tokenId = tokenId;
        _storeTerms(o, terms, amount, 1);
        emit OfferCreated(id, lessor, collection, tokenId, amount);
        _emitTerms(id, terms, 1);
    }

    function updateOffer(uint256 offerId, OfferTerms calldata terms) external {
        uint64 amount = _lessorOwnedOpen(offerId);
        if (terms.paymentToken != address(0)) revert UnsupportedByTwin();
        _validate(terms, amount);
        Offer storage o = _offers[offerId];
        uint32 current = o.version;
        uint32 version = current + 1;
        // Leases bought under the outgoing version keep its terms.
        o.pastTerms[current] = o.termsHash;
        _storeTerms(o, terms, amount, version);
        _emitTerms(offerId, terms, version);
    }

    function cancelOffer(uint256 offerId) external {
        _lessorOwnedOpen(offerId);
        Offer storage o = _offers[offerId];
        uint64 meta = o.meta;
        o.meta = (meta & ~uint64(0xff << 40)) | uint64(STATUS_CANCELLED) << 40;
        emit OfferCancelled(offerId);
    }

    function offerCount() external view returns (uint256) {
        return _offerCount;
    }

    // ------------------------------------------------------------------
    // Leases
    // ------------------------------------------------------------------

    function buyLease(uint256 offerId, uint64 duration, uint256 maxPrice, uint32 version)
        external
        payable
        nonReentrant
        returns (uint64)
    {
        return _lease(offerId, duration, maxPrice, version, false);
    }

    function renewLease(uint256 offerId, uint64 duration, uint256 maxPrice, uint32 version)
        external
        payable
        nonReentrant
        returns (uint64)
    {
        return _lease(offerId, duration, maxPrice, version, true);
    }

    function withdraw(address token) external nonReentrant {
        if (token != address(0)) revert UnsupportedByTwin();
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert LicenseMarketNothingToWithdraw(token);
        _credits[msg.sender][token] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert LicenseMarketTransferFailed(token, msg.sender, amount);
        emit Withdrawal(msg.sender, token, amount);
    }

    function leaseOf(uint256 offerId, address licensee) external view returns (uint64, bytes32, uint256) {
        Lease storage l = _leases[offerId][licensee];
        uint256 state = l.state;
        return (uint64(state), _termsAt(offerId, uint32(state >> 192)), l.recordId);
    }

    function isLicensed(address collection, uint256 tokenId, address account)
        external
        view
        returns (bool ok, uint64 expires, bytes32 terms)
    {
        uint256 offerId = _licenceOf[collection][tokenId][account];
        if (offerId == 0) return (false, 0, bytes32(0));
        uint256 state = _leases[offerId][account].state;
        expires = uint64(state);
        terms = _termsAt(offerId, uint32(state >> 192));
        ok = block.timestamp <= expires && ILeaseAsset(collection).userOf(tokenId) == account;
    }

    // ------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------

    function _lease(uint256 offerId, uint64 duration, uint256 maxPrice, uint32 version, bool renew)
        private
        returns (uint64 expires)
    {
        uint64 now_ = uint64(block.timestamp);
        Sale memory sale = _openOffer(offerId, now_);
        if (version != sale.version) revert LicenseMarketOfferVersionMismatch(offerId, version, sale.version);

        // Price and payment checks (ETH offers only in the twin).
        if (duration < sale.minDuration || duration > sale.maxDuration) {
            revert LicenseMarketDurationOutOfBounds(duration, sale.minDuration, sale.maxDuration);
        }
        uint256 price = sale.pricePerSecond * duration;
        if (price > maxPrice) revert LicenseMarketPriceAboveMax(price, maxPrice);
        if (msg.value < price) revert LicenseMarketInsufficientPayment(price, msg.value);
        // (the licensee is msg.sender and the payment msg.value throughout)

        // Lease state.
        uint256 current = _leases[offerId][msg.sender].state;
        expires = _expiry(offerId, msg.sender, uint64(current), duration, sale.maxDuration, renew, now_);

        // Asset checks and the user, one call; the royalty within the
        // offer's cap (a refusal reverts the user with the sale).
        (address receiver, uint256 royalty) = _leaseTo(sale, offerId, price, expires, renew, now_);
        // Effects: the lease word (slot 0, no record, the version), the index.
        _leases[offerId][msg.sender].state =
            uint256(expires) | (current & (uint256(type(uint32).max) << 64)) | uint256(sale.version) << 192;
        _indexLicence(sale, offerId, msg.sender, expires, now_);

        // Interactions: the money.
        _pay(receiver, royalty);
        _pay(sale.payee, price - royalty);
        _pay(msg.sender, msg.value - price);
        if (renew) emit LeaseRenewed(offerId, msg.sender, expires, price, royalty);
        else emit LeasePurchased(offerId, msg.sender, expires, price, royalty);
    }

    /// The new expiry: a purchase needs no active licence and starts now, a
    /// renewal needs one and extends it; at most `now + maxDuration`.
    function _expiry(
        uint256 offerId,
        address licensee,
        uint64 currentExpires,
        uint64 duration,
        uint64 maxDuration,
        bool renew,
        uint64 now_
    ) private pure returns (uint64 expires) {
        bool active = currentExpires != 0 && now_ <= currentExpires;
        uint64 start;
        if (renew) {
            if (!active) revert LicenseMarketNotLicensee(offerId, licensee);
            start = currentExpires;
        } else {
            if (active) revert LicenseMarketAlreadyLicensed(offerId, licensee, currentExpires);
            start = now_;
        }
        expires = start + duration;
        uint64 latest = now_ + maxDuration;
        if (expires > latest) revert LicenseMarketLeaseTooLong(expires, latest);
    }

    /// The asset's `leaseTo` (the licensee as user until `expires`), its
    /// answers checked in license-market's order; returns the accepted
    /// royalty (capped at the price, refused above the cap).
    function _leaseTo(Sale memory sale, uint256 offerId, uint256 price, uint64 expires, bool renew, uint64 now_)
        private
        returns (address receiver, uint256 royalty)
    {
        AssetAnswer memory a = _callLeaseTo(sale, price, expires, renew);
        if (!a.approved) revert LicenseMarketOperatorNotApproved(sale.collection, sale.lessor);
        if (a.owner != sale.lessor) revert LicenseMarketLessorNotOwner(sale.collection, sale.tokenId, sale.lessor);
        if (!renew && a.locked && a.userExpires >= now_) {
            revert LicenseMarketTokenLeased(sale.collection, sale.tokenId, a.userExpires);
        }
        (receiver, royalty) = (a.receiver, a.amount);
        if (receiver == address(0) || receiver == address(this)) {
            (receiver, royalty) = (address(0), 0);
        } else if (royalty > price) {
            royalty = price;
        }
        uint256 maxRoyalty = Math.mulDiv(price, sale.maxRoyaltyBps, BPS);
        if (royalty > maxRoyalty) revert LicenseMarketRoyaltyAboveCap(offerId, royalty, maxRoyalty);
    }

    /// `leaseTo`'s answer (a struct: six locals beside `_leaseTo`'s own would
    /// not fit the EVM stack).
    struct AssetAnswer {
        address owner;
        bool approved;
        bool locked;
        uint64 userExpires;
        address receiver;
        uint256 amount;
    }

    /// Calls the asset's `leaseTo` for the licensee (`msg.sender`).
    function _callLeaseTo(Sale memory sale, uint256 price, uint64 expires, bool renew)
        private
        returns (AssetAnswer memory a)
    {
        (a.owner, a.approved, a.locked, a.userExpires, a.receiver, a.amount) =
            ILeaseAsset(sale.collection).leaseTo(sale.tokenId, sale.lessor, msg.sender, expires, renew, price);
    }

    function _validate(OfferTerms calldata t, uint64 amount) private view {
        if (t.payee == address(0) || t.payee == address(this)) revert LicenseMarketInvalidPayee(t.payee);
        if (t.minDuration < 1 || t.minDuration > t.maxDuration || t.maxDuration > MAX_LEASE_DURATION) {
            revert LicenseMarketInvalidDurationBounds(t.minDuration, t.maxDuration);
        }
        if (t.endTime != 0 && block.timestamp > t.endTime) revert LicenseMarketInvalidEndTime(t.endTime);
        if (amount == 0 ? t.maxLicensees != 1 : (t.maxLicensees < 1 || t.maxLicensees > 16)) {
            revert LicenseMarketInvalidMaxLicensees(t.maxLicensees);
        }
        if (t.flags & ~FLAGS_ALL != 0) revert LicenseMarketInvalidFlags(t.flags);
        if (t.maxRoyaltyBps > BPS) revert LicenseMarketInvalidRoyaltyCap(t.maxRoyaltyBps);
        // Every in-bounds lease must be priceable (reverts on overflow).
        t.pricePerSecond * t.maxDuration;
    }

    function _storeTerms(Offer storage o, OfferTerms calldata t, uint64 amount, uint32 version) private {
        o.params = uint256(amount) | uint256(t.minDuration) << 64 | uint256(t.maxDuration) << 128
            | uint256(t.endTime) << 192;
        o.meta = uint64(t.maxLicensees) | uint64(t.flags) << 32 | uint64(STATUS_OPEN) << 40
            | uint64(t.maxRoyaltyBps) << 48;
        o.pricePerSecond = t.pricePerSecond;
        o.paymentToken = t.paymentToken;
        o.payee = t.payee;
        o.termsHash = t.termsHash;
        o.version = version;
    }

    function _emitTerms(uint256 offerId, OfferTerms calldata t, uint32 version) private {
        emit OfferTermsSet(
            offerId,
            t.pricePerSecond,
            t.paymentToken,
            t.minDuration,
            t.maxDuration,
            t.endTime,
            t.maxLicensees,
            t.payee,
            t.termsHash,
            t.flags,
            t.maxRoyaltyBps,
            version,
            t.termsUri
        );
    }

    function _lessorOwnedOpen(uint256 offerId) private view returns (uint64) {
        Offer storage o = _offers[offerId];
        _checkStatus(offerId, uint8(o.meta >> 40));
        if (o.lessor != msg.sender) revert LicenseMarketUnauthorizedLessor(offerId, msg.sender);
        return uint64(o.params);
    }

    function _checkStatus(uint256 offerId, uint8 status) private pure {
        if (status == STATUS_OPEN) return;
        if (status == STATUS_CANCELLED) revert LicenseMarketOfferCancelled(offerId);
        revert LicenseMarketUnknownOffer(offerId);
    }

    function _openOffer(uint256 offerId, uint64 now_) private view returns (Sale memory sale) {
        Offer storage o = _offers[offerId];
        uint64 meta = o.meta;
        _checkStatus(offerId, uint8(meta >> 40));
        uint256 params = o.params;
        uint64 endTime = uint64(params >> 192);
        if (endTime != 0 && now_ > endTime) revert LicenseMarketOfferEnded(offerId, endTime);
        sale.lessor = o.lessor;
        sale.collection = o.collection;
        sale.tokenId = o.tokenId;
        sale.pricePerSecond = o.pricePerSecond;
        // the payment token's slot is read as the Stylus sale does (ETH only here)
        if (o.paymentToken != address(0)) revert UnsupportedByTwin();
        sale.minDuration = uint64(params >> 64);
        sale.maxDuration = uint64(params >> 128);
        sale.payee = o.payee;
        sale.maxRoyaltyBps = uint16(meta >> 48);
        sale.version = o.version;
    }

    function _checkHolder(address collection, uint256 tokenId, address holder) private view {
        address owner;
        try ILeaseAsset(collection).ownerOf(tokenId) returns (address o) {
            owner = o;
        } catch {}
        if (owner != holder) revert LicenseMarketLessorNotOwner(collection, tokenId, holder);
    }

    function _checkOperator(address collection, address lessor) private view {
        bool ok;
        try ILeaseAsset(collection).isLeaseOperator(lessor, address(this)) returns (bool b) {
            ok = b;
        } catch {}
        if (!ok) revert LicenseMarketOperatorNotApproved(collection, lessor);
    }

    /// Points `isLicensed` at this lease unless the account holds a
    /// longer-running licence for the same asset from another offer.
    function _indexLicence(Sale memory sale, uint256 offerId, address account, uint64 expires, uint64 now_) private {
        mapping(address => uint256) storage byAccount = _licenceOf[sale.collection][sale.tokenId];
        uint256 previous = byAccount[account];
        if (previous != offerId && previous != 0) {
            uint64 prevExpires = uint64(_leases[previous][account].state);
            if (now_ <= prevExpires && prevExpires > expires) return;
        }
        byAccount[account] = offerId;
    }

    function _termsAt(uint256 offerId, uint32 version) private view returns (bytes32) {
        Offer storage o = _offers[offerId];
        if (version != 0 && version == o.version) return o.termsHash;
        return o.pastTerms[version];
    }

    /// Pushes `amount` wei to `to` with bounded gas; credits it on failure.
    function _pay(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount, gas: ETH_PUSH_GAS}("");
        if (ok) return;
        _credits[to][address(0)] += amount;
        emit PaymentCredited(to, address(0), amount);
    }
}
