//! Files (payment proofs, later invoices) behind one interface: a local folder by default, an
//! S3-compatible bucket when `S3_BUCKET` is set. Keys are random; nothing is ever under `public/`.

use std::sync::Arc;

use chrono::{Datelike, Utc};
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path, ObjectStore, PutPayload,
};
use uuid::Uuid;

use super::uploads::CheckedProof;
use super::{config::Config, respond};
use crate::error::AppError;

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    /// The bucket and its endpoint, region and keys come from the configuration (`S3_*`).
    pub fn from_config(config: &Config) -> Result<Self, object_store::Error> {
        let store: Arc<dyn ObjectStore> = match &config.s3_bucket {
            Some(bucket) => {
                let s3 = &config.s3;
                let mut b = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(s3.region.as_deref().unwrap_or("us-east-1"))
                    .with_allow_http(s3.allow_http);
                if let Some(endpoint) = &s3.endpoint {
                    b = b.with_endpoint(endpoint);
                }
                if let Some(key) = &s3.access_key_id {
                    b = b.with_access_key_id(key);
                }
                if let Some(secret) = &s3.secret_access_key {
                    b = b.with_secret_access_key(secret.expose());
                }
                Arc::new(b.build()?)
            }
            None => {
                let root = config.data_dir.join("files");
                std::fs::create_dir_all(&root).map_err(|e| object_store::Error::Generic {
                    store: "local",
                    source: Box::new(e),
                })?;
                Arc::new(LocalFileSystem::new_with_prefix(root)?)
            }
        };
        Ok(Self { store })
    }

    pub async fn put_proof(&self, proof: &CheckedProof) -> Result<String, AppError> {
        let key = format!(
            "proofs/{}/{}.{}",
            Utc::now().year(),
            Uuid::new_v4(),
            proof.kind.extension()
        );
        self.store
            .put(
                &Path::from(key.as_str()),
                PutPayload::from(proof.bytes.clone()),
            )
            .await
            .map_err(respond::internal)?;
        Ok(key)
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let got = self
            .store
            .get(&Path::from(key))
            .await
            .map_err(|e| match e {
                object_store::Error::NotFound { .. } => AppError::NotFound,
                other => respond::internal(other),
            })?;
        Ok(got.bytes().await.map_err(respond::internal)?.to_vec())
    }

    /// Best effort: a file left behind is harmless, a failed request is not.
    pub async fn delete(&self, key: &str) {
        if let Err(e) = self.store.delete(&Path::from(key)).await {
            tracing::warn!(error = %e, key, "could not delete a stored file");
        }
    }
}
