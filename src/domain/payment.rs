//! What a payment is for: the purposes the payments core settles without knowing what they buy.

spelled!(
    /// What the money buys: a subscription period, a wallet credit, or an order's places.
    PaymentPurpose, "error.purpose_invalid", {
        Subscription = "SUBSCRIPTION",
        Topup = "TOPUP",
        Order = "ORDER",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_keep_their_spelling() {
        for p in PaymentPurpose::ALL {
            assert_eq!(PaymentPurpose::parse(p.as_str()), Ok(*p));
        }
        assert_eq!(PaymentPurpose::parse(" order "), Ok(PaymentPurpose::Order));
        assert!(PaymentPurpose::parse("GIFT").is_err());
    }
}
