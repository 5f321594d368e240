//! The proof field of the two upload forms (the payment wizard's last step and an order's
//! payment), as an island: the only part of those pages that runs in the browser. Without
//! JavaScript it is a plain file input and submit button of the form around it; with it, a
//! photo is shrunk and previewed when chosen, and the form is sent with a progress bar.

use leptos::prelude::*;

use crate::ui::tr;

/// What a proof field needs to know, all of it sent to the browser with the island.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProofField {
    /// The input's id; the hint, error and progress ids are made from it.
    pub id: String,
    /// The server's refusal of the last submission, already in the user's language.
    pub error: Option<String>,
    /// The submit button's catalogue key.
    pub submit: String,
    /// Where a "back" link beside the button leads, if anywhere.
    pub back: Option<String>,
}

#[island]
pub fn ProofInput(field: ProofField) -> impl IntoView {
    let ProofField {
        id,
        error,
        submit,
        back,
    } = field;
    let (hint_id, err_id, progress_id) = (
        format!("{id}-hint"),
        format!("{id}-error"),
        format!("{id}-progress"),
    );
    let preview = RwSignal::new(None::<String>);
    let chosen = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<u32>);
    let preparing = RwSignal::new(false);
    let client_error = RwSignal::new(None::<String>);
    let message = Signal::derive(move || client_error.get().or_else(|| error.clone()));
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        crate::ui::upload::preview(&_ev, preview, chosen, client_error, preparing);
    };
    // The form is the page's, around the island: its submission is taken over once the
    // island runs, so the upload shows its progress.
    #[cfg(feature = "hydrate")]
    {
        let id = id.clone();
        Effect::new(move |_| crate::ui::upload::take_over_form(&id, progress, client_error));
    }
    view! {
        <div class="field" class:field-invalid=move || message.read().is_some()>
            <label for=id.clone()>{tr("pay.proof")}</label>
            <p class="hint" id=hint_id.clone()>{tr("pay.proof_hint")}</p>
            <input id=id.clone() name="proof" type="file" required=true
                accept=".jpg,.jpeg,.png,.webp,.pdf,image/jpeg,image/png,image/webp,application/pdf"
                aria-describedby=format!("{hint_id} {err_id}") on:change=on_change/>
            <p class="field-error" id=err_id.clone() role="alert" hidden=move || message.read().is_none()>{message}</p>
        </div>
        <div class="preview" hidden=move || preview.get().is_none() && chosen.get().is_none()>
            {move || preview.get().map(|src| view! { <img src=src alt=tr("pay.preview")/> })}
            {move || chosen.get().map(|name| view! { <p class="muted">{name}</p> })}
        </div>
        <p class="muted" role="status" hidden=move || !preparing.get()>{tr("pay.preparing")}</p>
        <div class="progress" hidden=move || progress.get().is_none()>
            <label for=progress_id.clone()>{tr("pay.uploading")}</label>
            <progress id=progress_id.clone() max="100" value=move || progress.get().unwrap_or(0)>{move || progress.get().unwrap_or(0)} "%"</progress>
        </div>
        <div class="actions">
            {back.map(|href| view! { <a class="button secondary" href=href>{tr("pay.back")}</a> })}
            <button type="submit" disabled=move || progress.get().is_some() || preparing.get()>{tr(&submit)}</button>
        </div>
    }
}
