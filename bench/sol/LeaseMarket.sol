// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Solidity baseline for contracts/license-market: ERC-721 lease offers priced
// per second, bought through the asset's lease-operator path (ERC-4907
// setUser), royalty (EIP-2981) paid on the lease price, the rest to the payee,
// excess refunded, failed pushes credited for later withdrawal.

import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";

interface ILeasable {
    function ownerOf(uint256 tokenId) external view returns (address);
    function setUser(uint256 tokenId, address user, uint64 expires) external;
}

contract LeaseMarket {
    struct Offer {
        address collection;
        uint256 tokenId;
        address lessor;
        address payee;
        uint128 pricePerSecond;
        uint64 minDuration;
        uint64 maxDuration;
        uint64 endsAt;
        bytes32 termsHash;
    }

    error UnknownOffer(uint256 offerId);
    error OfferEnded(uint256 offerId);
    error BadDuration(uint64 duration);
    error PriceAboveMax(uint256 price, uint256 maxPrice);
    error Underpaid(uint256 price, uint256 paid);
    error NotOwner();
    error NothingToWithdraw();
    error TransferFailed();

    event LeasePurchased(uint256 indexed offerId, address indexed licensee, uint64 expires, uint256 price, uint256 royaltyPaid);

    uint256 public nextOfferId = 1;
    mapping(uint256 => Offer) public offers;
    mapping(address => uint256) public credit;

    function createOffer(
        address collection,
        uint256 tokenId,
        address payee,
        uint128 pricePerSecond,
        uint64 minDuration,
        uint64 maxDuration,
        uint64 endsAt,
        bytes32 termsHash
    ) external returns (uint256 id) {
        if (ILeasable(collection).ownerOf(tokenId) != msg.sender) revert NotOwner();
        id = nextOfferId++;
        offers[id] = Offer(collection, tokenId, msg.sender, payee, pricePerSecond, minDuration, maxDuration, endsAt, termsHash);
    }

    function buyLease(uint256 offerId, uint64 duration, uint256 maxPrice) external payable {
        Offer storage o = offers[offerId];
        if (o.lessor == address(0)) revert UnknownOffer(offerId);
        if (block.timestamp >= o.endsAt) revert OfferEnded(offerId);
        if (duration < o.minDuration || duration > o.maxDuration) revert BadDuration(duration);
        uint256 price = uint256(o.pricePerSecond) * duration;
        if (price > maxPrice) revert PriceAboveMax(price, maxPrice);
        if (msg.value < price) revert Underpaid(price, msg.value);
        if (ILeasable(o.collection).ownerOf(o.tokenId) != o.lessor) revert NotOwner();
        uint64 expires = uint64(block.timestamp) + duration;
        ILeasable(o.collection).setUser(o.tokenId, msg.sender, expires);
        (address receiver, uint256 royalty) = IERC2981(o.collection).royaltyInfo(o.tokenId, price);
        if (royalty > price) royalty = price;
        _pay(receiver, royalty);
        _pay(o.payee, price - royalty);
        _pay(msg.sender, msg.value - price);
        emit LeasePurchased(offerId, msg.sender, expires, price, royalty);
    }

    function _pay(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount, gas: 50_000}("");
        if (!ok) credit[to] += amount;
    }

    function withdraw() external {
        uint256 amount = credit[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        credit[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }
}
