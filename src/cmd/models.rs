//! `ava models …`: install, list and remove local GGUF models.

use crate::cli::ModelsCmd;
use crate::error::Result;

pub async fn run(m: ModelsCmd) -> Result<i32> {
    use crate::models;
    match m {
        ModelsCmd::List => models::cmd_list()?,
        ModelsCmd::Import { file, name } => models::cmd_import(&file, name.as_deref())?,
        ModelsCmd::Pull { spec, sha256 } => models::cmd_pull(&spec, sha256.as_deref()).await?,
        ModelsCmd::Rm { name } => models::cmd_rm(&name)?,
        ModelsCmd::Default { name } => models::cmd_default(&name)?,
    }
    Ok(0)
}
