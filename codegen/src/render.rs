//! Stage 6, `render`: formats each file with prettyplease under the do-not-edit header.

use crate::shape::ShapedFile;
use crate::{GENERATED_HEADER, GeneratedFile};

/// The files as text.
pub(crate) fn render(files: Vec<ShapedFile>) -> Vec<GeneratedFile> {
    files
        .into_iter()
        .map(|shaped| GeneratedFile {
            contents: format!(
                "{GENERATED_HEADER}\n{}",
                prettyplease::unparse(&shaped.file)
            ),
            path: shaped.path,
        })
        .collect()
}
