//! Files through the S3-compatible store: the same flow as the local folder, against a local
//! S3 server that `./dev test` starts (moto). Without `TESSERA_TEST_S3_ENDPOINT` the test fails,
//! so a run that forgot the server cannot pass silently.

use sqlx::PgPool;
use tessera::platform::config::{S3Settings, Secret};

use crate::helpers::{client, spawn_with};

#[sqlx::test(migrations = false)]
async fn proofs_are_stored_in_and_served_from_an_s3_bucket(pool: PgPool) {
    let endpoint = std::env::var("TESSERA_TEST_S3_ENDPOINT")
        .expect("TESSERA_TEST_S3_ENDPOINT: ./dev test starts a local S3 server");
    let bucket = std::env::var("TESSERA_TEST_S3_BUCKET").unwrap_or_else(|_| "tessera-test".into());
    let app = spawn_with(pool, |c| {
        c.s3_bucket = Some(bucket.clone());
        c.s3 = S3Settings {
            endpoint: Some(endpoint.clone()),
            region: Some("us-east-1".into()),
            access_key_id: Some("test".into()),
            secret_access_key: Some(Secret::new("test")),
            allow_http: true,
        };
    })
    .await;
    let c = client();
    app.register(&c, "jean@example.cm").await;
    let img = image::RgbImage::from_fn(20, 20, |x, y| image::Rgb([x as u8 * 9, y as u8 * 9, 30]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("plan_type", "FAMILY_MANAGER")
        .text("duration_days", "30")
        .text("amount", "15000")
        .text("payment_method", "MTN_MOMO")
        .text("phone_number", "677123456")
        .text("transaction_id", "S3TEST01")
        .part(
            "proof",
            reqwest::multipart::Part::bytes(png.into_inner()).file_name("p.png"),
        );
    let res = c
        .post(format!("{}/pay/submit", app.addr))
        .header("origin", &app.addr)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let reference = location
        .trim_start_matches("/tickets/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let key: String = sqlx::query_scalar("SELECT proof_key FROM payment_tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // The object is in the bucket, not on the local disk.
    let listed = reqwest::get(format!("{endpoint}/{bucket}?list-type=2&prefix=proofs/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains(&key), "{listed}");
    assert!(!app.data_dir.join("files").join(&key).exists());
    let (status, _) = app.page(&c, &format!("/tickets/{reference}/proof")).await;
    assert_eq!(status, 200, "served back from the bucket");
}
