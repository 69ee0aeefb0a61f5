//! Delivery needs its contact: e-mail an e-mail address, post a postal address (Art. 29, 40).

use gongkai_domain::request::Delivery;

#[test]
fn email_and_post_delivery_need_their_contact() {
    let field = |r: Result<(), gongkai_domain::DomainError>| r.err().map(|e| e.field().to_string());
    assert_eq!(
        field(Delivery::Email.check_contact(None, Some("辽宁省阜新市"))),
        Some("applicant.email".into())
    );
    assert_eq!(
        field(Delivery::Email.check_contact(Some("  "), None)),
        Some("applicant.email".into())
    );
    assert_eq!(
        field(Delivery::Post.check_contact(Some("a@b.cn"), None)),
        Some("applicant.address".into())
    );
    assert!(Delivery::Email.check_contact(Some("a@b.cn"), None).is_ok());
    assert!(
        Delivery::Post
            .check_contact(None, Some("辽宁省阜新市细河区"))
            .is_ok()
    );
    for other in [Delivery::Collect, Delivery::Fax, Delivery::Online] {
        assert!(other.check_contact(None, None).is_ok(), "{other:?}");
    }
}
