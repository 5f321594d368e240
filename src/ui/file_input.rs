//! A file field that uploads with progress, as an island: a statement's import. Without
//! JavaScript it is a plain file input of the form around it; with it, the form is sent with a
//! progress bar, and once the file is up the page says the server is reading it.

use leptos::prelude::*;

use crate::ui::tr;

/// What the field needs to know, all of it sent to the browser with the island.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileField {
    /// The input's id and name; the hint, error and progress ids are made from it.
    pub id: String,
    pub name: String,
    /// Catalogue keys of the label, the hint and the submit button.
    pub label: String,
    pub hint: String,
    pub submit: String,
    /// What the input accepts (extensions and media types).
    pub accept: String,
    /// The server's refusal of the last submission, already in the user's language.
    pub error: Option<String>,
}

#[island]
pub fn FileInput(field: FileField) -> impl IntoView {
    let FileField {
        id,
        name,
        label,
        hint,
        submit,
        accept,
        error,
    } = field;
    let (hint_id, err_id, progress_id) = (
        format!("{id}-hint"),
        format!("{id}-error"),
        format!("{id}-progress"),
    );
    let progress = RwSignal::new(None::<u32>);
    let client_error = RwSignal::new(None::<String>);
    let message = Signal::derive(move || client_error.get().or_else(|| error.clone()));
    #[cfg(feature = "hydrate")]
    {
        let id = id.clone();
        Effect::new(move |_| crate::ui::upload::take_over_form(&id, progress, client_error));
    }
    view! {
        <div class="field" class:field-invalid=move || message.read().is_some()>
            <label for=id.clone()>{tr(&label)}</label>
            <p class="hint" id=hint_id.clone()>{tr(&hint)}</p>
            <input id=id.clone() name=name type="file" required=true accept=accept
                aria-describedby=format!("{hint_id} {err_id}")/>
            <p class="field-error" id=err_id.clone() role="alert" hidden=move || message.read().is_none()>{message}</p>
        </div>
        <div class="progress" hidden=move || progress.get().is_none()>
            <label for=progress_id.clone()>{move || if progress.get() == Some(100) { tr("statement.reading") } else { tr("pay.uploading") }}</label>
            <progress id=progress_id.clone() max="100" value=move || progress.get().unwrap_or(0)>{move || progress.get().unwrap_or(0)} "%"</progress>
        </div>
        <div class="actions">
            <button type="submit" disabled=move || progress.get().is_some()>{tr(&submit)}</button>
        </div>
    }
}
