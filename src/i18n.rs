//! Every user-facing string in English and French, looked up by key.
//!
//! One table keeps both languages side by side so a missing translation is visible in review;
//! a unit test checks that no entry is left empty and that keys are unique.

use crate::domain::Lang;

/// (key, English, French)
const STRINGS: &[(&str, &str, &str)] = &[
    ("app.name", "Tessera", "Tessera"),
    ("app.tagline", "Collect payments by mobile money, card and e-ticket — verified by people you trust.", "Encaissez par mobile money, carte et e-billet — vérifié par des personnes de confiance."),
    ("nav.home", "Home", "Accueil"),
    ("nav.login", "Log in", "Se connecter"),
    ("nav.register", "Create an account", "Créer un compte"),
    ("nav.family", "My family", "Ma famille"),
    ("nav.account", "My account", "Mon compte"),
    ("nav.admin", "Administration", "Administration"),
    ("nav.logout", "Log out", "Se déconnecter"),
    ("nav.menu", "Main navigation", "Navigation principale"),
    ("lang.label", "Language", "Langue"),
    ("lang.switch", "Change", "Changer"),
    ("home.title", "Welcome to Tessera", "Bienvenue sur Tessera"),
    ("home.signed_in_as", "Signed in as", "Connecté en tant que"),
    ("home.start", "Create your family account in a minute, then pay by mobile money or card.", "Créez le compte de votre famille en une minute, puis payez par mobile money ou carte."),
    ("field.name", "Full name", "Nom complet"),
    ("field.email", "E-mail address", "Adresse e-mail"),
    ("field.phone", "Phone number", "Numéro de téléphone"),
    ("field.phone_hint", "International form, e.g. +237 6 77 12 34 56", "Format international, ex. +237 6 77 12 34 56"),
    ("field.password", "Password", "Mot de passe"),
    ("field.password_hint", "At least 10 characters, not only digits.", "Au moins 10 caractères, pas seulement des chiffres."),
    ("field.current_password", "Current password", "Mot de passe actuel"),
    ("field.new_password", "New password", "Nouveau mot de passe"),
    ("field.family_name", "Family name", "Nom de la famille"),
    ("field.language", "Preferred language", "Langue préférée"),
    ("register.title", "Create your account", "Créer votre compte"),
    ("register.submit", "Create my account", "Créer mon compte"),
    ("register.have_account", "Already registered?", "Déjà inscrit ?"),
    ("login.title", "Log in", "Connexion"),
    ("login.submit", "Log in", "Se connecter"),
    ("login.no_account", "No account yet?", "Pas encore de compte ?"),
    ("login.forgot", "Forgot your password?", "Mot de passe oublié ?"),
    ("forgot.title", "Reset your password", "Réinitialiser votre mot de passe"),
    ("forgot.intro", "Enter your e-mail address: if an account uses it, we send a link valid for one hour.", "Saisissez votre adresse e-mail : si un compte l'utilise, nous envoyons un lien valable une heure."),
    ("forgot.submit", "Send the link", "Envoyer le lien"),
    ("forgot.sent", "If an account uses this address, a reset link is on its way.", "Si un compte utilise cette adresse, un lien de réinitialisation est en route."),
    ("reset.title", "Choose a new password", "Choisir un nouveau mot de passe"),
    ("reset.submit", "Save the new password", "Enregistrer le nouveau mot de passe"),
    ("family.title", "My family", "Ma famille"),
    ("family.members", "Members", "Membres"),
    ("family.manager", "Family manager", "Responsable de la famille"),
    ("family.member", "Member", "Membre"),
    ("family.none", "You do not belong to a family yet.", "Vous n'appartenez encore à aucune famille."),
    ("family.add_title", "Add a member", "Ajouter un membre"),
    ("family.add_intro", "The new member receives an e-mail with a link to choose a password.", "Le nouveau membre reçoit un e-mail avec un lien pour choisir son mot de passe."),
    ("family.add_submit", "Add the member", "Ajouter le membre"),
    ("family.added", "Member added: an e-mail invites them to choose a password.", "Membre ajouté : un e-mail l'invite à choisir un mot de passe."),
    ("family.only_manager", "Only the family manager can add members.", "Seul le responsable de la famille peut ajouter des membres."),
    ("account.title", "My account", "Mon compte"),
    ("account.language_title", "Language", "Langue"),
    ("account.language_submit", "Save the language", "Enregistrer la langue"),
    ("account.language_saved", "Language saved.", "Langue enregistrée."),
    ("account.password_title", "Change my password", "Changer mon mot de passe"),
    ("account.password_submit", "Change the password", "Changer le mot de passe"),
    ("account.password_saved", "Password changed.", "Mot de passe modifié."),
    ("account.role", "Role", "Rôle"),
    ("admin.title", "Administration", "Administration"),
    ("admin.users", "Users", "Utilisateurs"),
    ("admin.families", "Families", "Familles"),
    ("admin.outbox_pending", "Messages waiting to be sent", "Messages en attente d'envoi"),
    ("admin.outbox_failed", "Messages that failed", "Messages en échec"),
    ("admin.recent_users", "Newest accounts", "Comptes les plus récents"),
    ("role.member", "Member", "Membre"),
    ("role.staff", "Staff", "Personnel"),
    ("role.admin", "Administrator", "Administrateur"),
    ("page.not_found", "Page not found", "Page introuvable"),
    ("page.login_required", "Please log in to see this page.", "Veuillez vous connecter pour voir cette page."),
    ("page.forbidden", "You do not have access to this page.", "Vous n'avez pas accès à cette page."),
    ("page.loading", "Loading…", "Chargement…"),
    ("form.sending", "Sending…", "Envoi…"),
    ("error.email_required", "Enter your e-mail address.", "Saisissez votre adresse e-mail."),
    ("error.email_invalid", "This e-mail address is not valid.", "Cette adresse e-mail n'est pas valide."),
    ("error.email_taken", "An account already uses this e-mail address.", "Un compte utilise déjà cette adresse e-mail."),
    ("error.phone_required", "Enter a phone number.", "Saisissez un numéro de téléphone."),
    ("error.phone_invalid", "This phone number is not valid: use the international form, e.g. +237 6 77 12 34 56.", "Ce numéro n'est pas valide : utilisez le format international, ex. +237 6 77 12 34 56."),
    ("error.password_required", "Enter a password.", "Saisissez un mot de passe."),
    ("error.password_short", "The password must have at least 10 characters.", "Le mot de passe doit contenir au moins 10 caractères."),
    ("error.password_long", "The password must have at most 128 characters.", "Le mot de passe doit contenir au plus 128 caractères."),
    ("error.password_digits", "The password must not be only digits.", "Le mot de passe ne doit pas contenir que des chiffres."),
    ("error.password_wrong", "The current password is not correct.", "Le mot de passe actuel est incorrect."),
    ("error.name_required", "Enter a name.", "Saisissez un nom."),
    ("error.name_invalid", "This name is too long or contains characters that are not allowed.", "Ce nom est trop long ou contient des caractères non autorisés."),
    ("error.family_name_required", "Enter the family's name.", "Saisissez le nom de la famille."),
    ("error.family_name_invalid", "This family name is too long or contains characters that are not allowed.", "Ce nom de famille est trop long ou contient des caractères non autorisés."),
    ("error.role_invalid", "Unknown role.", "Rôle inconnu."),
    ("error.login_failed", "E-mail or password is not correct.", "E-mail ou mot de passe incorrect."),
    ("error.login_throttled", "Too many failed attempts. Wait a few minutes, then try again.", "Trop de tentatives échouées. Patientez quelques minutes puis réessayez."),
    ("error.reset_invalid", "This link is not valid, has expired or was already used. Ask for a new one.", "Ce lien n'est pas valide, a expiré ou a déjà servi. Demandez-en un nouveau."),
    ("error.login_required", "Please log in first.", "Veuillez d'abord vous connecter."),
    ("error.forbidden", "You are not allowed to do this.", "Vous n'êtes pas autorisé à faire cela."),
    ("error.not_found", "Not found.", "Introuvable."),
    ("error.bad_request", "The request could not be understood.", "La requête n'a pas pu être comprise."),
    ("error.csrf", "This request came from another site and was refused.", "Cette requête provient d'un autre site et a été refusée."),
    ("error.internal", "Something went wrong on our side. Please try again.", "Un problème est survenu de notre côté. Veuillez réessayer."),
    ("error.language_invalid", "Unknown language.", "Langue inconnue."),
    ("error.currency_invalid", "Unknown currency.", "Devise inconnue."),
    ("error.amount_required", "Enter the amount you paid.", "Saisissez le montant payé."),
    ("error.amount_invalid", "This amount is not valid: digits only, e.g. 15000.", "Ce montant n'est pas valide : des chiffres seulement, ex. 15000."),
    ("error.amount_positive", "The amount must be more than zero.", "Le montant doit être supérieur à zéro."),
    ("error.amount_below_minimum", "This amount is below the minimum for the chosen plan.", "Ce montant est inférieur au minimum de la formule choisie."),
    ("error.status_invalid", "Unknown status.", "Statut inconnu."),
    ("error.reference_invalid", "This ticket reference is not valid.", "Cette référence de ticket n'est pas valide."),
    ("error.transaction_id_required", "Enter the transaction id from the operator's SMS.", "Saisissez l'identifiant de transaction reçu par SMS."),
    ("error.transaction_id_invalid", "The transaction id has 4 to 64 letters or digits, without spaces.", "L'identifiant de transaction compte 4 à 64 lettres ou chiffres, sans espace."),
    ("error.plan_invalid", "Choose one of the plans on offer.", "Choisissez l'une des formules proposées."),
    ("error.duration_invalid", "Choose one of the durations on offer for this plan.", "Choisissez l'une des durées proposées pour cette formule."),
    ("error.method_invalid", "Choose one of the payment methods on offer.", "Choisissez l'un des moyens de paiement proposés."),
    ("error.notes_too_long", "This text is too long (1000 characters at most).", "Ce texte est trop long (1000 caractères au plus)."),
    ("error.proof_required", "Add the screenshot or PDF of your payment.", "Ajoutez la capture d'écran ou le PDF de votre paiement."),
    ("error.proof_filename", "The file name must not contain a folder path.", "Le nom du fichier ne doit pas contenir de chemin de dossier."),
    ("error.proof_empty", "The file is empty.", "Le fichier est vide."),
    ("error.proof_too_large", "The file is larger than 5 MB.", "Le fichier dépasse 5 Mo."),
    ("error.proof_type", "Only JPEG, PNG, WEBP images and PDF files are accepted.", "Seules les images JPEG, PNG, WEBP et les fichiers PDF sont acceptés."),
    ("error.proof_corrupt", "The file is damaged or is not really an image or a PDF.", "Le fichier est endommagé ou n'est pas vraiment une image ou un PDF."),
    ("error.proof_too_big_image", "The image is too large in pixels (12 000 × 12 000 at most).", "L'image est trop grande en pixels (12 000 × 12 000 au plus)."),
    ("error.proof_active_content", "PDF files with scripts or attachments are not accepted.", "Les PDF contenant des scripts ou des pièces jointes ne sont pas acceptés."),
    ("error.no_family", "Your account does not belong to a family yet.", "Votre compte n'appartient encore à aucune famille."),
    ("error.ticket_not_pending", "This ticket is no longer pending: it was already reviewed or cancelled.", "Ce ticket n'est plus en attente : il a déjà été traité ou annulé."),
    ("error.reason_required", "Give the reason for the rejection: the family will read it.", "Indiquez le motif du rejet : la famille le lira."),
    ("mail.ticket_submitted.subject", "Payment ticket {reference} received", "Ticket de paiement {reference} reçu"),
    ("mail.ticket_submitted.body", "Hello {name},\n\nWe received your payment ticket {reference} for {amount}. An administrator will check it, usually within 24 hours. Follow it at {url}/tickets/{reference}\n\n— Tessera", "Bonjour {name},\n\nNous avons reçu votre ticket de paiement {reference} de {amount}. Un administrateur va le vérifier, en général sous 24 heures. Suivez-le sur {url}/tickets/{reference}\n\n— Tessera"),
    ("mail.ticket_approved.subject", "Payment {reference} approved", "Paiement {reference} approuvé"),
    ("mail.ticket_approved.body", "Hello {name},\n\nYour payment ticket {reference} was approved. Your family's subscription now runs until {end}.\n\n— Tessera", "Bonjour {name},\n\nVotre ticket de paiement {reference} a été approuvé. L'abonnement de votre famille court désormais jusqu'au {end}.\n\n— Tessera"),
    ("mail.ticket_rejected.subject", "Payment {reference} rejected", "Paiement {reference} rejeté"),
    ("mail.ticket_rejected.body", "Hello {name},\n\nYour payment ticket {reference} was rejected for this reason:\n{reason}\n\nYou can submit a new ticket with a corrected proof.\n\n— Tessera", "Bonjour {name},\n\nVotre ticket de paiement {reference} a été rejeté pour le motif suivant :\n{reason}\n\nVous pouvez soumettre un nouveau ticket avec une preuve corrigée.\n\n— Tessera"),
    ("api.ticket_created", "Payment ticket created.", "Ticket de paiement créé avec succès"),
    ("api.proof_replaced", "Proof replaced.", "Preuve remplacée."),
    ("api.ticket_cancelled", "Ticket cancelled.", "Ticket annulé."),
    ("api.ticket_approved", "Ticket approved and subscription extended.", "Ticket approuvé et abonnement étendu"),
    ("api.ticket_rejected", "Ticket rejected.", "Ticket rejeté."),
    ("api.notes_saved", "Notes saved.", "Notes enregistrées."),
    ("nav.pay", "Pay", "Payer"),
    ("nav.tickets", "My payments", "Mes paiements"),
    ("pay.title", "Pay by mobile money", "Payer par mobile money"),
    ("pay.progress", "Steps", "Étapes"),
    ("pay.step1", "Plan", "Formule"),
    ("pay.step2", "Payment details", "Détails du paiement"),
    ("pay.step3", "Proof", "Preuve"),
    ("pay.plan", "Plan", "Formule"),
    ("pay.days", "days", "jours"),
    ("pay.minimum", "Minimum amount:", "Montant minimum :"),
    ("pay.duration", "Duration", "Durée"),
    ("pay.next", "Continue", "Continuer"),
    ("pay.back", "Back", "Retour"),
    ("pay.price_is", "Price for this duration:", "Prix pour cette durée :"),
    ("pay.method", "Payment method", "Moyen de paiement"),
    ("pay.amount", "Amount paid", "Montant payé"),
    ("pay.amount_hint", "As in the operator's SMS, e.g. 15000.", "Comme dans le SMS de l'opérateur, ex. 15000."),
    ("pay.phone", "Phone number used", "Numéro utilisé"),
    ("pay.transaction_id", "Transaction id", "Identifiant de transaction"),
    ("pay.transaction_id_hint", "Printed in the confirmation SMS, e.g. MTN123456789.", "Indiqué dans le SMS de confirmation, ex. MTN123456789."),
    ("pay.notes", "Notes (optional)", "Remarques (facultatif)"),
    ("pay.proof", "Screenshot or PDF of the payment", "Capture d'écran ou PDF du paiement"),
    ("pay.proof_hint", "JPEG, PNG, WEBP or PDF, 5 MB at most.", "JPEG, PNG, WEBP ou PDF, 5 Mo au plus."),
    ("pay.preview", "Preview of the proof", "Aperçu de la preuve"),
    ("pay.uploading", "Sending the proof", "Envoi de la preuve"),
    ("pay.submit", "Send the payment ticket", "Envoyer le ticket de paiement"),
    ("tickets.title", "My payment tickets", "Mes tickets de paiement"),
    ("tickets.new", "New payment", "Nouveau paiement"),
    ("tickets.none", "No payment ticket yet.", "Aucun ticket de paiement pour l'instant."),
    ("tickets.reference", "Reference", "Référence"),
    ("tickets.status", "Status", "Statut"),
    ("tickets.age", "Age", "Âge"),
    ("tickets.submitted_by", "Submitted by", "Soumis par"),
    ("tickets.overdue", "Overdue", "En retard"),
    ("status.PENDING", "Pending", "En attente"),
    ("status.APPROVED", "Approved", "Approuvé"),
    ("status.REJECTED", "Rejected", "Rejeté"),
    ("status.CANCELLED", "Cancelled", "Annulé"),
    ("event.SUBMITTED", "Submitted", "Soumis"),
    ("event.APPROVED", "Approved", "Approuvé"),
    ("event.REJECTED", "Rejected", "Rejeté"),
    ("event.CANCELLED", "Cancelled", "Annulé"),
    ("event.PROOF_REPLACED", "Proof replaced", "Preuve remplacée"),
    ("event.NOTES_EDITED", "Notes edited", "Notes modifiées"),
    ("ticket.title", "Payment ticket", "Ticket de paiement"),
    ("ticket.submitted", "Your payment ticket was sent. An administrator will check it, usually within 24 hours.", "Votre ticket de paiement a été envoyé. Un administrateur va le vérifier, en général sous 24 heures."),
    ("ticket.proof_replaced", "The proof was replaced.", "La preuve a été remplacée."),
    ("ticket.proof", "Proof", "Preuve"),
    ("ticket.open_proof", "Open the PDF", "Ouvrir le PDF"),
    ("ticket.no_proof", "No proof attached.", "Aucune preuve jointe."),
    ("ticket.replace_proof", "Replace the proof", "Remplacer la preuve"),
    ("ticket.replace_submit", "Send the new proof", "Envoyer la nouvelle preuve"),
    ("ticket.cancel", "Cancel this ticket", "Annuler ce ticket"),
    ("ticket.timeline", "History", "Historique"),
    ("ticket.reason", "Reason", "Motif"),
    ("ticket.subscription_end", "Subscription runs until", "Abonnement valable jusqu'au"),
    ("admin.tickets", "Payment tickets", "Tickets de paiement"),
    ("admin.tabs", "Ticket lists", "Listes de tickets"),
    ("admin.tab_all", "All", "Tous"),
    ("admin.tab_pending", "Pending", "En attente"),
    ("admin.tab_overdue", "Overdue", "En retard"),
    ("admin.stats", "Statistics", "Statistiques"),
    ("admin.search", "Search (reference, phone, transaction id)", "Recherche (référence, téléphone, transaction)"),
    ("admin.any", "Any", "Tous"),
    ("admin.from", "From", "Du"),
    ("admin.to", "To", "Au"),
    ("admin.sort", "Order", "Ordre"),
    ("admin.sort_default", "Default", "Par défaut"),
    ("admin.sort_newest", "Newest first", "Plus récents d'abord"),
    ("admin.sort_oldest", "Oldest first", "Plus anciens d'abord"),
    ("admin.filter", "Filter", "Filtrer"),
    ("admin.results", "tickets", "tickets"),
    ("admin.family", "Family", "Famille"),
    ("admin.pages", "Pages", "Pages"),
    ("admin.previous", "Previous", "Précédent"),
    ("admin.next", "Next", "Suivant"),
    ("admin.approved", "Ticket approved: the subscription was extended.", "Ticket approuvé : l'abonnement a été prolongé."),
    ("admin.rejected", "Ticket rejected: the family was told why.", "Ticket rejeté : la famille a été informée du motif."),
    ("admin.duplicate_warning", "Already used on another ticket:", "Déjà utilisé sur un autre ticket :"),
    ("admin.same_txid", "same transaction id", "même identifiant de transaction"),
    ("admin.same_proof", "same proof file", "même fichier de preuve"),
    ("admin.subscription", "Subscription", "Abonnement"),
    ("admin.no_subscription", "None yet", "Aucun pour l'instant"),
    ("admin.ip", "IP address", "Adresse IP"),
    ("admin.user_agent", "Browser", "Navigateur"),
    ("admin.reviewed_by", "Reviewed by", "Traité par"),
    ("admin.decision", "Decision", "Décision"),
    ("admin.notes", "Admin notes", "Notes de l'administrateur"),
    ("admin.approve", "Approve and extend", "Approuver et prolonger"),
    ("admin.reason", "Reason for rejection", "Motif du rejet"),
    ("admin.reject", "Reject", "Rejeter"),
    ("admin.save_notes", "Save the notes", "Enregistrer les notes"),
    ("admin.per_day", "Tickets per day (30 days)", "Tickets par jour (30 jours)"),
    ("admin.count", "Count", "Nombre"),
    ("admin.by_method", "Approved by payment method", "Approuvés par moyen de paiement"),
    ("admin.by_plan", "Approved by plan", "Approuvés par formule"),
    ("admin.by_admin", "By administrator", "Par administrateur"),
    ("admin.approval_rate", "Approval rate", "Taux d'approbation"),
    ("admin.avg_review", "Average review time", "Délai moyen de traitement"),
    ("admin.stat_pending", "Pending", "En attente"),
    ("admin.stat_approved", "Approved", "Approuvés"),
    ("admin.stat_rejected", "Rejected", "Rejetés"),
    ("admin.stat_last24h", "Last 24 h", "Dernières 24 h"),
    ("admin.stat_overdue", "Overdue", "En retard"),
    ("admin.stat_amount", "Approved amount", "Montant approuvé"),
    ("mail.digest.subject", "{count} overdue payment tickets", "{count} tickets de paiement en retard"),
    ("mail.digest.body", "Hello {name},\n\nThese payment tickets have waited more than {hours} hours:\n{list}\nReview them at {url}/admin/tickets?tab=overdue\n\n— Tessera", "Bonjour {name},\n\nCes tickets de paiement attendent depuis plus de {hours} heures :\n{list}\nTraitez-les sur {url}/admin/tickets?tab=overdue\n\n— Tessera"),
    ("mail.welcome.subject", "Welcome to Tessera", "Bienvenue sur Tessera"),
    ("mail.welcome.body", "Hello {name},\n\nYour account and the family \"{family}\" are ready. You can log in at {url}/login with {email}.\n\n— Tessera", "Bonjour {name},\n\nVotre compte et la famille « {family} » sont prêts. Connectez-vous sur {url}/login avec {email}.\n\n— Tessera"),
    ("mail.invite.subject", "You have been added to a family on Tessera", "Vous avez été ajouté à une famille sur Tessera"),
    ("mail.invite.body", "Hello {name},\n\n{manager} added you to the family \"{family}\". Choose your password here (valid for 72 hours, once):\n{url}/reset/{token}\n\n— Tessera", "Bonjour {name},\n\n{manager} vous a ajouté à la famille « {family} ». Choisissez votre mot de passe ici (valable 72 heures, une seule fois) :\n{url}/reset/{token}\n\n— Tessera"),
    ("mail.reset.subject", "Reset your Tessera password", "Réinitialisez votre mot de passe Tessera"),
    ("mail.reset.body", "Hello {name},\n\nTo choose a new password, open this link within one hour (it works once):\n{url}/reset/{token}\n\nIf you did not ask for this, ignore this e-mail.\n\n— Tessera", "Bonjour {name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure (il ne sert qu'une fois) :\n{url}/reset/{token}\n\nSi vous n'avez rien demandé, ignorez cet e-mail.\n\n— Tessera"),
    ("api.token_created", "Token created.", "Jeton créé."),
    ("api.unauthorized", "A valid bearer token is required.", "Un jeton d'accès valide est requis."),
];

/// The text for `key` in `lang`; the key itself when it is unknown, so a gap shows in the page.
pub fn t(lang: Lang, key: &str) -> &'static str {
    match STRINGS.iter().find(|(k, _, _)| *k == key) {
        Some((_, en, fr)) => match lang {
            Lang::En => en,
            Lang::Fr => fr,
        },
        None => {
            tracing::warn!(key, "missing translation");
            // Leaked once per unknown key at most per call; unknown keys are a bug caught by tests.
            "…"
        }
    }
}

/// `t` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

pub fn has_key(key: &str) -> bool {
    STRINGS.iter().any(|(k, _, _)| *k == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_translated_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (k, en, fr) in STRINGS {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(
                !en.trim().is_empty() && !fr.trim().is_empty(),
                "{k} is empty"
            );
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let s = tf(
            Lang::Fr,
            "mail.welcome.body",
            &[
                ("name", "Awa"),
                ("family", "Mbarga"),
                ("url", "http://x"),
                ("email", "a@b.cm"),
            ],
        );
        assert!(s.contains("Bonjour Awa") && s.contains("« Mbarga »") && !s.contains('{'));
    }

    #[test]
    fn domain_error_keys_are_translated() {
        for key in [
            "error.email_invalid",
            "error.email_required",
            "error.phone_invalid",
            "error.phone_required",
            "error.password_short",
            "error.password_long",
            "error.password_digits",
            "error.password_required",
            "error.name_required",
            "error.name_invalid",
            "error.family_name_required",
            "error.family_name_invalid",
            "error.role_invalid",
        ] {
            assert!(has_key(key), "{key}");
        }
    }
}
