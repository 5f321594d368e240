//! Files (payment proofs, later invoices) behind one interface: a local folder by default, an
//! S3-compatible bucket when `S3_BUCKET` is set. Keys are random; nothing is ever under `public/`.

use std::sync::Arc;

use chrono::{Datelike, Utc};
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path, ObjectStore, PutPayload,
};
use uuid::Uuid;

use super::{config::Config, respond};
use crate::{error::AppError, features::payment_tickets::proof::CheckedProof};

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    /// S3 settings beyond the bucket come from the usual `AWS_*` variables
    /// (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`).
    pub fn from_config(config: &Config) -> Result<Self, object_store::Error> {
        let store: Arc<dyn ObjectStore> = match &config.s3_bucket {
            Some(bucket) => Arc::new(
                AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()?,
            ),
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
