## app

app-name = Tessera
app-tagline = Encaissez par mobile money, carte et e-billet — vérifié par des personnes de confiance.

mail-security_sign_in-subject = Nouvelle connexion à votre compte Tessera
mail-security_sign_in-body =
    Bonjour { $name },

    Quelqu'un vient de se connecter à votre compte depuis un navigateur encore jamais utilisé :
    { $device }, le { $when } (adresse { $ip }).

    Si c'était vous, il n'y a rien à faire.
    Sinon, changez tout de suite votre mot de passe, depuis un navigateur de confiance :
    { $url }/forgot

    — Tessera
mail-security_password-subject = Votre mot de passe Tessera a été changé
mail-security_password-body =
    Bonjour { $name },

    Le mot de passe de votre compte a été changé le { $when }.

    Si c'était vous, il n'y a rien à faire.
    Sinon, choisissez-en un nouveau tout de suite avec cette page, et prévenez votre administrateur :
    { $url }/forgot

    — Tessera

## nav

nav-home = Accueil
nav-login = Se connecter
nav-register = Créer un compte
nav-family = Ma famille
nav-account = Mon compte
nav-admin = Administration
nav-logout = Se déconnecter
nav-menu = Navigation principale
nav-skip = Aller au contenu
nav-menu_button = Menu
nav-open_menu = Afficher le menu

## lang

lang-label = Langue
lang-switch = Changer

## home

home-title = Bienvenue sur Tessera
home-signed_in_as = Connecté en tant que
home-start = Créez le compte de votre famille en une minute, puis payez par mobile money ou carte.

## field

field-name = Nom complet
field-email = Adresse e-mail
field-phone = Numéro de téléphone
field-phone_hint = Format international, ex. +237 6 77 12 34 56
field-password = Mot de passe
field-password_hint = Au moins 10 caractères, pas seulement des chiffres.
field-current_password = Mot de passe actuel
field-new_password = Nouveau mot de passe
field-family_name = Nom de la famille
field-family_name_hint = Ou le nom de votre organisation.
field-account_kind = Ce compte est pour
field-account_kind-family = Ma famille
field-account_kind-organisation = Mon organisation : formules entreprise, payées par carte en dollars
field-language = Langue préférée

## register

register-title = Créer votre compte
register-submit = Créer mon compte
register-have_account = Déjà inscrit ?

## login

login-title = Connexion
login-submit = Se connecter
login-no_account = Pas encore de compte ?
login-forgot = Mot de passe oublié ?

## forgot

forgot-title = Réinitialiser votre mot de passe
forgot-intro = Saisissez votre adresse e-mail : si un compte l'utilise, nous envoyons un lien valable une heure.
forgot-submit = Envoyer le lien
forgot-sent = Si un compte utilise cette adresse, un lien de réinitialisation est en route.

## reset

reset-title = Choisir un nouveau mot de passe
reset-submit = Enregistrer le nouveau mot de passe

## family

family-title = Ma famille
family-members = Membres
family-manager = Responsable de la famille
family-member = Membre
family-none = Vous n'appartenez encore à aucune famille.
family-add_title = Ajouter un membre
family-add_intro = Le nouveau membre reçoit un e-mail avec un lien pour choisir son mot de passe.
family-add_submit = Ajouter le membre
family-added = Membre ajouté : un e-mail l'invite à choisir un mot de passe.
family-only_manager = Seul le responsable de la famille peut ajouter des membres.

## account

account-title = Mon compte
account-language_title = Langue
account-language_submit = Enregistrer la langue
account-language_saved = Langue enregistrée.
account-password_title = Changer mon mot de passe
account-password_submit = Changer le mot de passe
account-password_saved = Mot de passe modifié.
account-role = Rôle

## admin

admin-title = Administration
admin-users = Utilisateurs
admin-families = Familles
admin-outbox_pending = Messages en attente d'envoi
admin-outbox_failed = Messages en échec
admin-recent_users = Comptes les plus récents

## role

role-member = Membre
role-staff = Personnel
role-admin = Administrateur

## page

page-not_found = Page introuvable
page-login_required = Veuillez vous connecter pour voir cette page.
page-forbidden = Vous n'avez pas accès à cette page.
page-loading = Chargement…

## form

form-sending = Envoi…

## error

error-email_required = Saisissez votre adresse e-mail.
error-email_invalid = Cette adresse e-mail n'est pas valide.
error-email_taken = Un compte utilise déjà cette adresse e-mail.
error-phone_required = Saisissez un numéro de téléphone.
error-phone_invalid = Ce numéro n'est pas valide : utilisez le format international, ex. +237 6 77 12 34 56.
error-password_required = Saisissez un mot de passe.
error-password_short = Le mot de passe doit contenir au moins 10 caractères.
error-password_long = Le mot de passe doit contenir au plus 128 caractères.
error-password_digits = Le mot de passe ne doit pas contenir que des chiffres.
error-password_wrong = Le mot de passe actuel est incorrect.
error-name_required = Saisissez un nom.
error-name_invalid = Ce nom est trop long ou contient des caractères non autorisés.
error-family_name_required = Saisissez le nom de la famille.
error-family_name_invalid = Ce nom de famille est trop long ou contient des caractères non autorisés.
error-role_invalid = Rôle inconnu.
error-login_failed = E-mail ou mot de passe incorrect.
error-login_throttled = Trop de tentatives échouées. Patientez quelques minutes puis réessayez.
error-reset_invalid = Ce lien n'est pas valide, a expiré ou a déjà servi. Demandez-en un nouveau.
error-login_required = Veuillez d'abord vous connecter.
error-forbidden = Vous n'êtes pas autorisé à faire cela.
error-not_found = Introuvable.
error-bad_request = La requête n'a pas pu être comprise.
error-csrf = Cette requête provient d'un autre site et a été refusée.
error-internal = Un problème est survenu de notre côté. Veuillez réessayer.
error-language_invalid = Langue inconnue.
error-currency_invalid = Devise inconnue.
error-amount_required = Saisissez le montant payé.
error-amount_invalid = Ce montant n'est pas valide : des chiffres seulement, ex. 15 000.
error-amount_positive = Le montant doit être supérieur à zéro.
error-amount_below_minimum = Ce montant est inférieur au minimum de la formule choisie.
error-status_invalid = Statut inconnu.
error-reference_invalid = Cette référence de ticket n'est pas valide.
error-transaction_id_required = Saisissez l'identifiant de transaction reçu par SMS.
error-transaction_id_invalid = L'identifiant de transaction compte 4 à 64 lettres ou chiffres, sans espace.
error-plan_invalid = Choisissez l'une des formules proposées.
error-plan_not_for_account = Cette formule n'est pas proposée à ce type de compte.
error-account_kind_invalid = Choisissez un compte famille ou organisation.
error-duration_invalid = Choisissez l'une des durées proposées pour cette formule.
error-ussd_invalid = Un code USSD se compose d'étoiles, de dièses et de chiffres et finit par #, ex. *126#.
error-pay_account_exists = Ce numéro figure déjà pour ce moyen de paiement.

## howto

howto-title = Où envoyer l'argent
howto-send = Envoyez exactement
howto-holder = Au nom de :
howto-holder_label = Nom du titulaire
howto-holder_hint = Tel que l'opérateur l'affiche au payeur avant qu'il confirme.
howto-dial = Depuis n'importe quel téléphone, composez
howto-reference = Dans le message du transfert, écrivez :
howto-copy = Copier
howto-copied = Copié
howto-copy_number = Copier le numéro
howto-copy_reference = Copier la référence
howto-none = L'organisation n'a pas encore indiqué ses numéros : demandez-lui où envoyer l'argent.
howto-admin_title = Numéros mobile money
howto-admin_intro = Les numéros auxquels les familles envoient l'argent, affichés avec le montant et la référence partout où elles paient.
howto-admin_empty = Aucun numéro pour l'instant : les familles sont invitées à vous demander où payer.
howto-number = Numéro de réception
howto-ussd = Code USSD
howto-ussd_hint = Facultatif : ce que le payeur compose sans l'application, ex. *126# (MTN) ou #150# (Orange).
howto-add = Ajouter le numéro
howto-remove = Retirer
howto-saved = Le numéro a été ajouté.
howto-removed = Le numéro a été retiré.

## error

error-proof_already_sent = Votre preuve de paiement est en cours de vérification : attendez la réponse avant de payer autrement.
error-method_invalid = Choisissez l'un des moyens de paiement proposés.
error-notes_too_long = Ce texte est trop long (1000 caractères au plus).
error-proof_required = Ajoutez la capture d'écran ou le PDF de votre paiement.
error-proof_filename = Le nom du fichier ne doit pas contenir de chemin de dossier.
error-proof_empty = Le fichier est vide.
error-proof_too_large = Le fichier dépasse 5 Mo.
error-proof_type = Seules les images JPEG, PNG, WEBP et les fichiers PDF sont acceptés.
error-proof_corrupt = Le fichier est endommagé ou n'est pas vraiment une image ou un PDF.
error-proof_too_big_image = L'image est trop grande en pixels (12 000 × 12 000 au plus).
error-proof_too_many_pixels = Cette image a plus de pixels qu'un appareil photo de téléphone n'en prend (50 mégapixels au plus) : envoyez une photo ou une capture d'écran du paiement.
error-upload_failed = Le fichier n'a pas pu être reçu pour l'instant : renvoyez-le dans un moment.
error-proof_active_content = Les PDF contenant des scripts ou des pièces jointes ne sont pas acceptés.
error-proof_pdf_locked = Ce PDF est protégé par un mot de passe : envoyez-le sans mot de passe, ou une photo du reçu.
error-rate_limited = Trop de demandes depuis votre connexion. Patientez quelques minutes puis réessayez.
error-no_family = Votre compte n'appartient encore à aucune famille.
error-ticket_not_pending = Ce ticket n'est plus en attente : il a déjà été traité ou annulé.
error-reason_required = Indiquez le motif du rejet : la famille le lira.

## mail

mail-ticket_submitted-subject = Ticket de paiement { $reference } reçu
mail-ticket_submitted-body =
    Bonjour { $name },

    Nous avons reçu votre ticket de paiement { $reference } de { $amount }. Un administrateur va le vérifier, en général sous 24 heures. Suivez-le sur { $url }/tickets/{ $reference }

    — Tessera
mail-ticket_approved-subject = Paiement { $reference } approuvé
mail-ticket_approved-body =
    Bonjour { $name },

    Votre ticket de paiement { $reference } a été approuvé. L'abonnement de votre famille court désormais jusqu'au { $end }.

    — Tessera
mail-ticket_rejected-subject = Paiement { $reference } rejeté
mail-ticket_rejected-body =
    Bonjour { $name },

    Votre ticket de paiement { $reference } a été rejeté pour le motif suivant :
    { $reason }

    Vous pouvez soumettre un nouveau ticket avec une preuve corrigée.

    — Tessera

## api

api-ticket_created = Ticket de paiement créé avec succès
api-proof_replaced = Preuve remplacée.
api-ticket_cancelled = Ticket annulé.
api-ticket_approved = Ticket approuvé et abonnement étendu
api-ticket_rejected = Ticket rejeté.
api-notes_saved = Notes enregistrées.

## nav

nav-pay = Payer
nav-tickets = Mes paiements

## pay

pay-title = Payer par mobile money
pay-progress = Étapes
pay-step1 = Formule
pay-step2 = Détails du paiement
pay-step3 = Preuve
pay-plan = Formule
pay-days = jours
pay-minimum = Montant minimum :
pay-duration = Durée
pay-next = Continuer
pay-back = Retour
pay-price_is = Prix pour cette durée :
pay-method = Moyen de paiement
pay-amount = Montant payé
pay-amount_hint = Comme dans le SMS de l'opérateur, ex. 15 000.
pay-phone = Numéro utilisé
pay-transaction_id = Identifiant de transaction
pay-transaction_id_hint = Indiqué dans le SMS de confirmation, ex. MTN123456789.
pay-notes = Remarques (facultatif)
pay-proof = Capture d'écran ou PDF du paiement
pay-proof_hint = JPEG, PNG, WEBP ou PDF, 5 Mo au plus.
pay-preview = Aperçu de la preuve
pay-uploading = Envoi de la preuve

## ui

ui-table_scrolls = Tableau : faites défiler sur le côté pour voir toutes les colonnes

## pay

pay-plan_and_duration = Formule et durée
pay-days_count = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}
pay-preparing = Préparation de la photo…
pay-photo_reduced = Photo réduite de { $from } à { $to } avant l'envoi.
pay-submit = Envoyer le ticket de paiement

## tickets

tickets-title = Mes tickets de paiement
tickets-new = Nouveau paiement
tickets-none = Aucun ticket de paiement pour l'instant.
tickets-reference = Référence
tickets-status = Statut
tickets-age = Âge
tickets-submitted_by = Soumis par
tickets-overdue = En retard

## status

status-PENDING = En attente
status-APPROVED = Approuvé
status-REJECTED = Rejeté
status-CANCELLED = Annulé

## event

event-SUBMITTED = Soumis
event-APPROVED = Approuvé
event-REJECTED = Rejeté
event-CANCELLED = Annulé
event-PROOF_REPLACED = Preuve remplacée
event-NOTES_EDITED = Notes modifiées

## ticket

ticket-title = Ticket de paiement
ticket-submitted = Votre ticket de paiement a été envoyé. Un administrateur va le vérifier, en général sous 24 heures.
ticket-proof_replaced = La preuve a été remplacée.
ticket-proof = Preuve
ticket-open_proof = Ouvrir le PDF
ticket-pdf_not_shown = Ce navigateur n’affiche pas les PDF dans la page.
ticket-no_proof = Aucune preuve jointe.
ticket-replace_proof = Remplacer la preuve
ticket-replace_submit = Envoyer la nouvelle preuve
ticket-cancel = Annuler ce ticket
ticket-cancel_question = Annuler ce ticket de paiement ? Il ne sera pas examiné, et il faudra en envoyer un nouveau pour payer.
ticket-cancel_confirm = Oui, annuler le ticket
ticket-timeline = Historique
ticket-reason = Motif
ticket-subscription_end = Abonnement valable jusqu'au

## admin

admin-tickets = Tickets de paiement
admin-tabs = Listes de tickets
admin-tab_all = Tous
admin-tab_pending = En attente
admin-tab_overdue = En retard
admin-stats = Statistiques
admin-search = Recherche (référence, téléphone, transaction)
admin-any = Tous
admin-from = Du
admin-to = Au
admin-sort = Ordre
admin-sort_default = Par défaut
admin-sort_newest = Plus récents d'abord
admin-sort_oldest = Plus anciens d'abord
admin-filter = Filtrer
admin-results = { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
admin-family = Famille
admin-pages = Pages
admin-previous = Précédent
admin-next = Suivant
admin-approved = Ticket approuvé : l'abonnement a été prolongé.
admin-rejected = Ticket rejeté : la famille a été informée du motif.
admin-duplicate_warning = Déjà utilisé sur un autre ticket :
admin-same_txid = même identifiant de transaction
admin-same_proof = même fichier de preuve
admin-subscription = Abonnement
admin-no_subscription = Aucun pour l'instant
admin-ip = Adresse IP
admin-user_agent = Navigateur
admin-reviewed_by = Traité par
admin-decision = Décision
admin-notes = Notes de l'administrateur
admin-approve = Approuver et prolonger
admin-reason = Motif du rejet
admin-reject = Rejeter
admin-save_notes = Enregistrer les notes
admin-per_day = Tickets par jour (30 jours)
admin-count = Nombre
admin-by_method = Approuvés par moyen de paiement
admin-by_plan = Approuvés par formule
admin-by_admin = Par administrateur
admin-approval_rate = Taux d'approbation
admin-avg_review = Délai moyen de traitement
admin-stat_pending = En attente
admin-stat_approved = Approuvés
admin-stat_rejected = Rejetés
admin-stat_last24h = Dernières 24 h
admin-stat_overdue = En retard
admin-stat_amount = Montant approuvé

## mail

mail-digest-subject = { $count ->
    [one] { $count } ticket de paiement en retard
   *[other] { $count } tickets de paiement en retard
}
mail-digest-body =
    Bonjour { $name },

    Ces tickets de paiement attendent depuis plus de { $hours } heures :
    { $list }
    Traitez-les sur { $url }/admin/tickets?tab=overdue

    — Tessera
mail-welcome-subject = Bienvenue sur Tessera
mail-welcome-body =
    Bonjour { $name },

    Votre compte et la famille « { $family } » sont prêts. Connectez-vous sur { $url }/login avec { $email }.

    — Tessera
mail-invite-subject = Vous avez été ajouté à une famille sur Tessera
mail-invite-body =
    Bonjour { $name },

    { $manager } vous a ajouté à la famille « { $family } ». Choisissez votre mot de passe ici (valable 72 heures, une seule fois) :
    { $url }/reset/{ $token }

    — Tessera
mail-reset-subject = Réinitialisez votre mot de passe Tessera
mail-reset-body =
    Bonjour { $name },

    Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure (il ne sert qu'une fois) :
    { $url }/reset/{ $token }

    Si vous n'avez rien demandé, ignorez cet e-mail.

    — Tessera

## nav

nav-events = Événements & séjours
nav-checkin = Contrôle d'entrée

## events

events-title = Événements et séjours
events-none = Rien en vente pour le moment.
events-kind-EVENT = Événement
events-kind-STAY = Séjour
events-per_place = par place
events-per_night = par nuit
events-venue = Lieu
events-address = Adresse
events-when = Quand
events-price = Prix
events-left = Places restantes

## order

order-form_title = Réserver
order-quantity = Places
order-quantity_hint = Combien de places (un e-billet chacune).
order-guests = Voyageurs
order-guests_short = voyageurs
order-guests_hint = Combien de personnes séjourneront.
order-check_in = Arrivée
order-check_out = Départ
order-nights = nuits
order-referral_code = Code de parrainage (facultatif)
order-submit = Commander et payer
order-title = Commande
order-buyer = Acheteur
order-subtotal = Sous-total
order-discount = Remise
order-total = Total
order-paid = Payé
order-refund = Remboursement
order-cancel_reason = Motif de l'annulation
order-pay_title = Payer par mobile money
order-pay_intro = Envoyez le montant par MTN Mobile Money ou Orange Money, puis joignez ci-dessous la capture d'écran de la confirmation.
order-send_proof = Envoyer la preuve
order-proof_sent = Preuve reçue : un administrateur va la vérifier sous peu.
order-proof_received = Nous avons votre preuve. Vous pouvez en envoyer une autre si ce n'était pas le bon fichier.
order-tickets = E-billets
order-open_ticket = E-billet
order-history = Historique
order-payment = Paiement
order-has_proof = preuve
order-no_proof = Pas encore de preuve de paiement.
order-approve_proof = Preuve vérifiée : marquer payé
order-mark_cash = Payé en espèces
order-mark_cash_question = Marquer cette commande payée en espèces ? Elle est réglée aussitôt : les billets sont émis et l'acheteur est prévenu.
order-mark_cash_confirm = Oui, payé en espèces
order-marked_paid = Commande marquée payée.
order-cancel_title = Annuler la commande
order-cancel = Annuler la commande
order-cancelled = Commande annulée.
order-buyer_link = Page de l'acheteur :
order-via-PROOF = preuve mobile money

## method

method-MTN_MOMO = MTN Mobile Money
method-ORANGE_MONEY = Orange Money
method-MOBILE_MONEY = Mobile money
method-CARD = Carte
method-WALLET = Portefeuille
method-CASH = Espèces
method-PROOF = Preuve mobile money
method-BANK_TRANSFER = Virement bancaire

## provider

provider-manual = Vérifié par un admin
provider-payment_ticket = Vérifié par un admin
provider-sumup = SumUp
provider-stripe = Stripe
provider-paytr = PayTR
provider-wallet = Portefeuille
provider-cash = Espèces

## notify

notify-channel-email = E-mail
notify-channel-whatsapp = WhatsApp
notify-kind-order_created = Commande reçue
notify-kind-tickets_issued = E-billets
notify-kind-owner_request = Demande au propriétaire
notify-kind-order_cancelled = Commande annulée
notify-kind-order_cancelled_refund = Annulée, remboursement dû
notify-kind-refund_initiated = Remboursement lancé
notify-kind-refund_completed = Remboursement effectué
notify-kind-tickets_sent = E-billet envoyé
notify-kind-tickets_sent_admin = E-billet envoyé (admins)
notify-kind-payment_expired = Paiement expiré
notify-kind-payment_stuck = Paiement bloqué
notify-status-PENDING = En attente d'envoi
notify-status-SENT = Envoyé
notify-status-FAILED = Échec
notify-status-SKIPPED = Non envoyé

## order

order-via-CASH = espèces
order-via-CARD = carte
order-status-PAYMENT_PENDING = En attente de paiement
order-status-PENDING_VERIFICATION = Paiement en vérification
order-status-PAID = Payée
order-status-OWNER_CONFIRMED = Confirmée par le propriétaire
order-status-TICKETS_ISSUED = E-billets émis
order-status-OWNER_CANCELLED = Annulée par le propriétaire
order-status-CANCELLED = Annulée
order-status-FAILED = Paiement échoué
order-status-EXPIRED = Expirée
order-status-REQUIRES_MANUAL_REVIEW = En revue manuelle
order-explain-PAYMENT_PENDING = Vos places sont réservées. Payez et envoyez la preuve ci-dessous.
order-explain-PENDING_VERIFICATION = Nous vérifions votre paiement ; vous recevrez un e-mail.
order-explain-PAID = Paiement reçu. Le propriétaire confirme votre séjour.
order-explain-OWNER_CONFIRMED = Le propriétaire a confirmé votre séjour.
order-explain-TICKETS_ISSUED = Vos e-billets sont prêts : présentez le QR code à l'entrée.
order-explain-OWNER_CANCELLED = Le propriétaire n'a pas pu accepter votre réservation. Vous serez remboursé.
order-explain-CANCELLED = Cette commande a été annulée.
order-explain-FAILED = Le paiement a échoué.
order-explain-EXPIRED = Aucun paiement n'est arrivé à temps ; les places ont été libérées.
order-explain-REQUIRES_MANUAL_REVIEW = Un administrateur vérifie ce paiement à la main.
order-event-CREATED = Commande passée
order-event-PROOF_SUBMITTED = Preuve de paiement envoyée
order-event-PAID = Marquée payée
order-event-OWNER_ASKED = Confirmation demandée au propriétaire
order-event-OWNER_CONFIRMED = Confirmée par le propriétaire
order-event-TICKETS_ISSUED = E-billets émis
order-event-OWNER_CANCELLED = Annulée par le propriétaire
order-event-CANCELLED = Annulée
order-event-EXPIRED = Expirée sans paiement
order-event-ADMIN_ALERTED = Administrateurs alertés : paiement en attente
order-event-REFUND_INITIATED = Remboursement lancé
order-event-REFUND_COMPLETED = Remboursement effectué
order-event-PENDING_VERIFICATION = Retour du paiement par carte : en cours de vérification
order-event-REQUIRES_MANUAL_REVIEW = Paiement à vérifier à la main
order-event-PAYMENT_NOTE = Note sur le paiement
order-event-PLACES = Places
order-event-PAYMENT_PENDING = En attente de paiement
order-event-FAILED = Paiement échoué
order-event-REFUND_REQUIRED = Remboursement à effectuer

## eticket

eticket-holder = Titulaire
eticket-ticket = Billet
eticket-number = Billet { $seq } sur { $count }
eticket-reference = Commande
eticket-paid = Payé
eticket-balance = Reste à payer
eticket-check_in = Arrivée
eticket-check_out = Départ
eticket-checked_in_at = Entrée enregistrée le
eticket-qr_label = QR code de cet e-billet
eticket-instructions = À l'entrée
eticket-instruction_show = Présentez ce QR code (à l'écran ou imprimé).
eticket-instruction_id = Munissez-vous d'une pièce d'identité.
eticket-instruction_owner = Téléphone du propriétaire :
eticket-download_pdf = Télécharger le PDF
eticket-not_found = E-billet introuvable
eticket-not_found_help = Vérifiez le lien reçu par e-mail, ou contactez l'organisateur.
eticket-status-VALID = Valide
eticket-status-CHECKED_IN = Entrée enregistrée
eticket-status-VOID = Annulé

## owner

owner-confirm_title = Confirmer cette réservation ?
owner-cancel_title = Annuler cette réservation ?
owner-confirm = Confirmer la réservation
owner-cancel = Annuler la réservation
owner-done-confirm = Réservation confirmée. Le voyageur a reçu son e-billet.
owner-done-cancel = Réservation annulée. Le voyageur sera remboursé.
owner-done-used = Ce lien a déjà été utilisé ; rien n'a été modifié.
owner-done-expired = Ce lien a expiré ; rien n'a été modifié. Contactez l'administrateur.
owner-done-stale = Cette réservation a déjà été traitée ; rien n'a été modifié.
owner-state-USED = Ce lien a déjà été utilisé ; rien n'a été modifié.
owner-state-EXPIRED = Ce lien a expiré (les liens valent 30 minutes) ; rien n'a été modifié. Contactez l'administrateur.
owner-state-STALE = Cette réservation a déjà été traitée ; rien n'a été modifié.
owner-invalid_title = Lien non valide
owner-invalid = Ce lien n'est pas valide. Utilisez le lien de votre message tel quel.

## checkin

checkin-title = Contrôle d'entrée
checkin-scan = Scanner avec la caméra
checkin-code = Code ou lien du billet
checkin-code_hint = Scannez le QR code, ou saisissez le code d'entrée imprimé dessous (comme K7QM-3XP9).
checkin-submit = Valider l'entrée
checkin-outcome-VALID = VALIDE
checkin-outcome-ALREADY_CHECKED_IN = DÉJÀ ENTRÉ
checkin-outcome-INVALID = INVALIDE
checkin-outcome-VOID = ANNULÉ
checkin-first_at = Première entrée
checkin-counter = entrés
checkin-counts = Entrés / émis
checkin-checked_in = Entrés
checkin-issued = Émis
checkin-camera_error = Impossible d'ouvrir la caméra ; saisissez le code.

## admin

admin-orders = Commandes
admin-order_results = { $count ->
    [one] { $count } commande
   *[other] { $count } commandes
}
admin-events = Événements et séjours
admin-refunds = Remboursements
admin-commissions = Commissions
admin-commission = Commission
admin-status = Statut
admin-date = Date
admin-edit = Modifier
admin-save = Enregistrer
admin-event_saved = Enregistré.
admin-event_new = Nouvel événement ou séjour
admin-event_edit = Modifier
admin-event_kind = Type
admin-event_title = Titre
admin-event_slug = Adresse sur le site
admin-event_slug_hint = Mots en minuscules séparés par des tirets ; tiré du titre si vide.
admin-event_description = Description
admin-event_venue = Lieu ou adresse
admin-event_starts = Début (heure d'Afrique de l'Ouest)
admin-event_ends = Fin
admin-event_capacity = Capacité
admin-event_capacity_hint = Places pour un événement ; voyageurs maximum par réservation pour un séjour.
admin-event_price = Prix
admin-event_price_hint = Par place pour un événement, par nuit pour un séjour.
admin-event_currency = Devise (XAF si vide)
admin-event_max = Places maximum par commande
admin-event_sales_start = Ouverture des ventes
admin-event_sales_end = Clôture des ventes
admin-event_owner = Nom du propriétaire (séjours)
admin-event_owner_phone = Téléphone du propriétaire (séjours)
admin-event_owner_email = E-mail du propriétaire (séjours)
admin-event_checkin_info = Instructions d'arrivée

## refund

refund-pending = À rembourser
refund-history = Remboursements effectués
refund-none = Aucun remboursement en attente.
refund-refund_id = Référence du remboursement
refund-mark_initiated = Remboursement envoyé
refund-mark_completed = Remboursement reçu par le client
refund-saved = Remboursement mis à jour.
refund-status-REFUND_REQUIRED = Remboursement à faire
refund-status-REFUND_INITIATED = Remboursement lancé
refund-status-REFUND_COMPLETED = Remboursement effectué

## commission

commission-status-NONE = Aucune
commission-status-PENDING = En attente
commission-status-CONFIRMED = Confirmée
commission-status-CANCELLED = Annulée
commission-csv = Télécharger en CSV
commission-bookings = Commandes avec code
commission-referrer_total = Gagné par les parrains
commission-admin_total = Gagné par la plateforme
commission-referrer_pending = En attente pour les parrains
commission-discounts = Remises accordées
commission-payable = À payer par parrain
commission-code = Code
commission-referrer = Parrain
commission-confirmed_bookings = Commandes confirmées
commission-payable_amount = À payer
commission-lines = Commandes
commission-referrer_share = Parrain
commission-admin_share = Plateforme

## error

error-quantity_invalid = Saisissez un nombre entier.
error-quantity_too_small = Commandez au moins une place.
error-quantity_too_large = C'est plus que ce qu'une commande permet.
error-sold_out = Complet.
error-not_enough_places = Il ne reste pas assez de places ; essayez moins.
error-date_invalid = Indiquez une date comme 2026-12-24.
error-date_past = Cette date est passée.
error-dates_reversed = La fin doit venir après le début.
error-dates_taken = Ces dates sont déjà réservées.
error-stay_too_long = Un séjour dure au plus un an.
error-sales_not_open = Les ventes ne sont pas encore ouvertes.
error-sales_closed = Les ventes sont closes.
error-event_started = Cet événement a déjà commencé.
error-referral_invalid = Code de parrainage inconnu ou expiré.
error-order_not_payable = Cette commande n'attend pas de paiement.
error-order_not_cancellable = Cette commande ne peut plus être annulée.
error-cancel_reason_required = Indiquez le motif : l'acheteur le lira.
error-refund_id_invalid = Indiquez la référence du remboursement (100 caractères au plus).
error-refund_not_required = Aucun remboursement n'attend sur cette commande.
error-refund_not_initiated = Ce remboursement n'a pas encore été envoyé.
error-tickets_not_issued = Aucun e-billet n'a encore été émis pour cette commande.
error-kind_invalid = Choisissez événement ou séjour.
error-title_invalid = Indiquez un titre (200 caractères au plus).
error-slug_invalid = Utilisez des minuscules, des chiffres et des tirets simples.
error-slug_taken = Un autre événement utilise déjà cette adresse.
error-datetime_invalid = Indiquez une date et une heure.
error-event_dates_required = Un événement a besoin d'un début et d'une fin.
error-number_invalid = Saisissez un nombre entier.
error-number_out_of_range = Ce nombre est hors limites.
error-capacity_below_sold = La capacité ne peut pas descendre sous les places déjà vendues.

## order

order-notifications = Messages envoyés
order-channel = Canal
order-message = Message
order-recipient = Destinataire
order-attempts = Tentatives

## whatsapp

whatsapp-confirm = Confirmer
whatsapp-cancel = Annuler
whatsapp-owner_request = Nouvelle réservation payée { $reference } pour { $title } : { $guest } ({ $phone }), { $guests } personne(s), du { $check_in } au { $check_out }, { $total } (payé { $paid }, reste { $balance } à l'arrivée). Confirmez ou annulez dans les { $minutes } minutes.
whatsapp-tickets_issued =
    🎫 { $title } : votre réservation { $reference } est confirmée. Vos e-billets :
    { $links }
    Présentez le QR code à l'entrée.

## api

api-refund_requested = Demande de remboursement créée
api-refund_initiated = Remboursement marqué comme lancé
api-refund_completed = Remboursement marqué comme effectué

## mail

mail-order_created-subject = Commande { $reference } : { $title }
mail-order_created-body =
    Bonjour { $name },

    Votre commande { $reference } pour { $title } est enregistrée. Montant à payer : { $total }.

    Payez par mobile money et envoyez la preuve sur la page de votre commande (gardez ce lien, il est personnel) :
    { $link }

    — Tessera
mail-tickets_issued-subject = Vos e-billets pour { $title }
mail-tickets_issued-body =
    Bonjour { $name },

    Votre commande { $reference } est confirmée. Vos e-billets (un lien chacun) :
    { $links }

    Présentez le QR code à l'entrée, avec une pièce d'identité.

    — Tessera
mail-owner_request-subject = Réservation { $reference } à confirmer : { $title }
mail-owner_request-body =
    Bonjour { $owner },

    Nouvelle réservation payée pour { $title } :
    Voyageur : { $guest } ({ $phone }), { $guests } personne(s)
    Arrivée : { $check_in } — Départ : { $check_out }
    Montant : { $total }
    Payé : { $paid } — reste à payer à l'arrivée : { $balance }

    Confirmer : { $confirm }
    Annuler : { $cancel }

    Ces liens ne servent qu'une fois, pendant { $minutes } minutes.

    — Tessera
mail-order_cancelled-subject = Commande { $reference } annulée
mail-order_cancelled-body =
    Bonjour { $name },

    Votre commande { $reference } pour { $title } a été annulée ; aucun paiement n'avait été reçu.

    — Tessera
mail-order_cancelled_refund-subject = Commande { $reference } annulée : remboursement en cours
mail-order_cancelled_refund-body =
    Bonjour { $name },

    Votre commande { $reference } pour { $title } a été annulée. Vous serez remboursé de { $amount } ; le remboursement arrive sous 5 à 7 jours ouvrés.

    — Tessera
mail-refund_initiated-subject = Remboursement envoyé pour { $reference }
mail-refund_initiated-body =
    Bonjour { $name },

    Nous avons envoyé le remboursement de { $amount } pour votre commande { $reference }.

    — Tessera
mail-refund_completed-subject = Remboursement effectué pour { $reference }
mail-refund_completed-body =
    Bonjour { $name },

    Le remboursement de { $amount } pour votre commande { $reference } est effectué.

    — Tessera
mail-refund_required-subject = Remboursement à faire : { $reference }
mail-refund_required-body =
    La commande { $reference } ({ $title }) a été annulée après paiement. Enregistrez le remboursement sur /admin/refunds.

    — Tessera
mail-payment_stuck-subject = Paiement en attente depuis { $minutes } minutes : { $reference }
mail-payment_stuck-body =
    La commande { $reference } pour { $title } attend son paiement depuis { $minutes } minutes.
    Client : { $guest } ({ $phone })
    Montant : { $total }

    Vérifiez et contactez le client si besoin.

    — Tessera

## nav

nav-billing = Facturation

## error

error-manager_only = Seul le gestionnaire de la famille peut faire cela.
error-card_unavailable = Le paiement par carte n'est pas disponible pour le moment. Réessayez plus tard ou payez par mobile money.
error-card_currency = La passerelle de carte n'accepte pas cette devise.
error-pay_with_invalid = Choisissez comment payer.
error-wallet_insufficient = Le solde de votre portefeuille est insuffisant pour cette formule. Rechargez-le ou choisissez un autre moyen de paiement.

## billing

billing-title = Facturation
billing-line_subscription = Abonnement { $plan }, { $days } jours
billing-line_order = Commande { $reference } : { $title }
billing-line_topup = Recharge du portefeuille
billing-sandbox_declined = Refusé dans le bac à sable
billing-trial_left = Essai : il reste { $days } jours
billing-days_left = Il reste { $days } jours sur cette période
billing-trial_progress = Jours d'essai utilisés
billing-period_end = Fin de période
billing-plans = Formules
billing-days = { $days } jours
billing-choose = Choisir cette formule
billing-manager_only = Seul le gestionnaire de la famille peut s'abonner, recharger le portefeuille et consulter les factures.
billing-wallet = Portefeuille familial
billing-wallet_empty = Le portefeuille est vide.
billing-topup_amount = Montant à ajouter
billing-currency = Devise
billing-topup = Recharger par carte
billing-date = Date
billing-what = Description
billing-amount = Montant
billing-wallet_kind-TOPUP = Recharge
billing-wallet_kind-PAYMENT = Paiement
billing-wallet_kind-REFUND = Remboursement
billing-history = Historique des paiements
billing-no_payments = Aucun paiement pour l'instant.
billing-reference = Référence
billing-status = Statut
billing-invoice = Facture
billing-invoices = Factures
billing-no_invoices = Aucune facture pour l'instant.
billing-payment_status-PENDING = En attente
billing-payment_status-PROCESSING = En cours de traitement
billing-payment_status-COMPLETED = Payé
billing-payment_status-FAILED = Échoué
billing-payment_status-CANCELLED = Annulé
billing-payment_status-REFUNDED = Remboursé
billing-status-TRIALING = Essai
billing-status-ACTIVE = Actif
billing-status-PAST_DUE = En retard
billing-status-EXPIRED = Expiré
billing-status-CANCELLED = Annulé
billing-subscribe_title = S'abonner
billing-duration = Durée
billing-pay_with = Payer par
billing-pay_card = Carte
billing-pay_wallet = Solde du portefeuille familial
billing-pay_mobile_money = Mobile money (envoyer une preuve)
billing-card_note = Les données de carte se saisissent sur la page du prestataire de paiement, jamais sur Tessera.
billing-continue = Continuer
billing-result-completed = Paiement reçu
billing-result-failed = Le paiement n'a pas abouti
billing-result-review = Le paiement est en cours de vérification par notre équipe
billing-result-waiting = En attente du prestataire de paiement
billing-result-refreshing = Cette page se met à jour toute seule.
billing-failure_reason = Motif
billing-back = Retour à la facturation
billing-sandbox_badge = Bac à sable
billing-sandbox_title = Paiement de test
billing-sandbox_intro = Aucune carte n'est débitée ici. Choisissez la réponse du prestataire de paiement.
billing-sandbox_success = Payer avec succès
billing-sandbox_fail = Refuser le paiement
billing-sandbox_delay = Payer après un délai

## invoice

pdf-page = Page
invoice-title = Facture
invoice-issued = Émise le
invoice-payment = Paiement
invoice-seller = Vendeur
invoice-buyer = Facturé à
invoice-description = Désignation
invoice-quantity = Qté
invoice-unit = Prix unitaire
invoice-amount = Montant
invoice-subtotal = Sous-total
invoice-tax = Taxe
invoice-total = Total
invoice-paid = Payée intégralement. Merci.

## mail

mail-billing_paid-subject = Paiement reçu : { $reference }
mail-billing_paid-body =
    Bonjour { $name },

    Nous avons reçu votre paiement { $reference } de { $amount } ({ $description }).
    Facture : { $invoice } (en pièce jointe)
    Abonnement valable jusqu'au : { $end }

    Votre page de facturation : { $url }/billing

    — Tessera
mail-billing_failed-subject = Échec du paiement : { $reference }
mail-billing_failed-body =
    Bonjour { $name },

    Votre paiement { $reference } de { $amount } n'a pas abouti ({ $reason }). Rien n'a été débité et votre abonnement est inchangé.

    Réessayer : { $url }/billing

    — Tessera
mail-billing_review-subject = Paiement à vérifier : { $reference }
mail-billing_review-body =
    Le rapport de la passerelle pour le paiement { $reference } ne correspond pas : { $reason }. Le paiement n'a pas été appliqué ; vérifiez-le sur { $url }/admin/payments.

    — Tessera
mail-trial_reminder-subject = Votre essai se termine dans { $days } jours
mail-trial_reminder-body =
    Bonjour { $name },

    L'essai de votre famille se termine le { $end } (il reste { $days } jours). Choisissez une formule pour continuer : { $url }/billing

    — Tessera

## admin

admin-payments = Registre des paiements
admin-all = Tous
admin-provider = Passerelle
admin-purpose = Objet
admin-purpose-SUBSCRIPTION = Abonnement
admin-purpose-TOPUP = Recharge du portefeuille
admin-group = Regrouper par
admin-group-day = jour
admin-group-week = semaine
admin-group-month = mois
admin-needs_review = À vérifier
admin-export_csv = Exporter en CSV
admin-refund_done = Remboursement enregistré.
admin-payments_per_period = Paiements par période
admin-analytics = Statistiques
admin-success_rate = Taux de réussite
admin-failure_rate = Taux d'échec
admin-volume = Volume net
admin-period = Période
admin-ledger = Paiements
admin-no_payments = Aucun paiement ne correspond.
admin-refunded = Remboursé
admin-refund = Rembourser
admin-refund_to = Rembourser vers
admin-refund_card = La carte d'origine
admin-subscriptions = Abonnements
admin-subscription_changed = Abonnement modifié.
admin-change = Modifier
admin-sub-extend = Prolonger de jours
admin-sub-change_plan = Changer de formule
admin-sub-cancel = Annuler
admin-days = Jours
admin-apply = Appliquer

## error

error-destination_invalid = Choisissez où va le remboursement.
error-refund_destination = Ce paiement est remboursé là d'où il vient : une recharge sur la carte, un paiement par portefeuille sur le portefeuille, une commande sur la carte.
error-payment_in_flight = Ce paiement peut encore être réglé auprès du prestataire ou est en vérification : il ne peut pas être supprimé.
error-refund_not_completed = Seul un paiement effectué peut être remboursé.
error-refund_too_much = Le remboursement doit être supérieur à zéro et ne pas dépasser le reste à rembourser.
error-wallet_spent = Le portefeuille ne contient plus ce montant : il a été dépensé.
error-days_invalid = Saisissez un nombre de jours entre 1 et 3660.
error-action_invalid = Choisissez une action.
error-subscription_unchanged = Rien à modifier : la famille n'a pas d'abonnement dans cet état.
error-payment_not_open = Ce paiement n'attend plus de confirmation.
error-transition_invalid = Un paiement ne peut pas passer à ce statut depuis son statut actuel.
error-payment_kept = Les paiements encaissés restent au registre ; remboursez-les plutôt.

## api

api-payment_created = Paiement créé : poursuivez à l'adresse de paiement.
api-payment = Paiement.
api-payments = Paiements.
api-payment_confirmed = Paiement confirmé.
api-payment_updated = Paiement mis à jour.
api-payment_deleted = Paiement supprimé.
api-analytics = Statistiques des paiements.

## order

order-pay_card_title = Payer par carte
order-pay_card_intro = Payez en toute sécurité sur la page du prestataire de paiement :
order-pay_card = Payer par carte
order-card_failed = Le paiement par carte n'a pas abouti. Rien n'a été débité ; vous pouvez réessayer ou payer par mobile money.

## api

api-token_created = Jeton créé.
api-unauthorized = Un jeton d'accès valide est requis.

## error

error-organiser_disconnected = Le compte de paiement par carte de l'organisateur est déconnecté. Payez par mobile money, ou réessayez plus tard.
error-purpose_invalid = Objet de paiement inconnu.
error-refund_refused = Le prestataire de paiement a refusé le remboursement ; les administrateurs sont prévenus et rien n'a été enregistré.

## admin

admin-refund_pending = Le prestataire de paiement est injoignable : le remboursement sera redemandé et enregistré une fois accepté.

## mail

mail-payment_expired-subject = Paiement jamais vérifié : { $reference }
mail-payment_expired-body =
    Le paiement { $reference } ({ $description }) n'était toujours pas vérifié après { $minutes } minutes : il a expiré et ce qu'il réservait est remis en vente. Vérifiez le tableau de bord du prestataire sur { $url }/admin/verification.

    — Tessera
mail-refund_failed-subject = CRITIQUE : remboursement refusé pour { $reference }
mail-refund_failed-body =
    Le prestataire n'a pas accepté le remboursement de { $amount } pour le paiement { $reference } : { $reason }. Rien n'a été enregistré ; remboursez depuis le tableau de bord du prestataire ou réessayez sur { $url }/admin/payments.

    — Tessera

## admin

admin-verification = Vérification des paiements
admin-sumup = Compte SumUp
admin-event_deposit = Acompte à la réservation
admin-event_deposit_hint = Une part comme 30 % ou un montant ; le reste se paie à l'arrivée. Vide : tout est payé à la réservation.

## error

error-deposit_invalid = Indiquez une part comme 30 % ou un montant.
error-payment_not_in_review = Ce paiement n'attend pas de vérification.

## events

events-deposit = Acompte
events-deposit_rest = à la réservation ; le reste à l'arrivée

## order

order-balance_on_arrival = Le reste, à l'arrivée :
order-card_continue = Reprendre mon paiement par carte
order-card_open = Un paiement par carte est déjà en cours pour cette commande : terminez-le plutôt que d'en commencer un autre.
order-processing_title = Vérification de votre paiement…
order-processing_text = Nous confirmons votre paiement par carte auprès du prestataire de paiement. Vos e-billets vous sont envoyés par e-mail dès qu'il est confirmé.
order-processing_refresh = Cette page se met à jour toute seule ; vous pouvez aussi revenir plus tard avec le lien reçu par e-mail.

## sumup

sumup-title = Paiements par carte avec SumUp
sumup-intro = Connectez votre propre compte SumUp : les paiements par carte de vos événements y arrivent directement. Tessera confirme chaque paiement auprès de SumUp avant d'émettre les billets.
sumup-unavailable = SumUp n'est pas configuré sur ce Tessera (SUMUP_CLIENT_ID et SUMUP_CLIENT_SECRET).
sumup-sandbox = Bac à sable : un SumUp simulé intégré à Tessera, rien n'est débité
sumup-connected = Connecté au marchand SumUp
sumup-disconnect = Déconnecter
sumup-reconnect_needed = Votre connexion SumUp ne fonctionne plus. Les paiements par carte de vos événements attendent votre reconnexion ; les commandes déjà payées ne sont pas touchées.
sumup-reconnect = Reconnecter SumUp
sumup-not_connected = Aucun compte SumUp n'est encore connecté.
sumup-connect = Connecter SumUp
sumup-connected_now = Votre compte SumUp est connecté.
sumup-disconnected_now = Votre compte SumUp est déconnecté.
sumup-declined = Vous n'avez pas autorisé Tessera sur SumUp : rien n'a été connecté.
sumup-refused = SumUp a refusé la connexion ; réessayez.
sumup-unreachable = SumUp est injoignable ; réessayez dans un instant.
sumup-state_refused = Cette demande de connexion n'a pas été lancée ici, ou a déjà servi : rien n'a été connecté.

## sumup_sandbox

sumup_sandbox-badge = Bac à sable — SumUp simulé, rien n'est débité
sumup_sandbox-authorize_title = Autoriser Tessera à encaisser ?
sumup_sandbox-authorize_intro = Tessera demande à créer des paiements et à lire les transactions du marchand du bac à sable :
sumup_sandbox-allow = Autoriser
sumup_sandbox-deny = Refuser
sumup_sandbox-pay_title = Paiement SumUp (bac à sable)
sumup_sandbox-pay_intro = Aucune carte n'est demandée : choisissez ce qui se passe.
sumup_sandbox-merchant = Marchand
sumup_sandbox-pay = Payer
sumup_sandbox-decline = Refuser la carte
sumup_sandbox-later = Laisser en attente

## verification

verification-title = Vérification des paiements
verification-intro = Les paiements par carte sont confirmés en interrogeant leur prestataire, jamais sur la foi d'une redirection. Un cycle vérifie les paiements dus, les plus anciens d'abord ; un acheteur qui attend sur la page de sa commande est vérifié toutes les quelques secondes.
verification-ran = Un cycle a été exécuté.
verification-paused_now = L'interrogation est en pause : aucun prestataire n'est interrogé avant la reprise. Les webhooks s'appliquent toujours.
verification-resumed_now = L'interrogation a repris.
verification-resolved = C'est fait ; consigné dans le journal d'audit.
verification-paused = Interrogation en pause
verification-running = Interrogation active
verification-last_good = Dernier cycle réussi
verification-waiting = En attente
verification-oldest = Plus ancien en attente
verification-review = À vérifier
verification-run_now = Lancer un cycle maintenant
verification-pause = Mettre en pause
verification-resume = Reprendre
verification-review_title = Paiements à vérifier
verification-none = Aucun.
verification-expected = Attendu
verification-reported = Déclaré par le prestataire
verification-why = Pourquoi
verification-reason = Votre motif (consigné dans le journal d'audit)
verification-complete = Valider : l'argent est arrivé
verification-fail = Le marquer échoué
verification-waiting_title = En attente de leur prestataire
verification-age = Attend depuis
verification-checks = Vérifications
verification-cycles_title = Cycles récents
verification-when = Quand
verification-checked = Vérifiés
verification-settled = Réglés
verification-failed = Échoués
verification-expired = Expirés
verification-errors = Erreurs
verification-duration = Durée
verification-kind-scheduled = planifié
verification-kind-manual = lancé à la main

## mail

mail-sumup_reconnect-subject = Reconnectez votre compte SumUp
mail-sumup_reconnect-body =
    Bonjour { $name },

    Votre connexion SumUp ne fonctionne plus : les paiements par carte de vos événements attendent votre reconnexion. Les commandes déjà payées ne sont pas touchées.

    Reconnecter : { $url }

    — Tessera
mail-sumup_disconnected-subject = SumUp déconnecté pour { $organiser }
mail-sumup_disconnected-body =
    SumUp a refusé de renouveler la connexion de { $organiser } : { $reason }. Ses paiements par carte attendent sa reconnexion sur { $url }. Aucune commande n'a été modifiée.

    — Tessera
mail-alert_test-subject = Alerte de test de Tessera
mail-alert_test-body =
    Ceci est une alerte de test envoyée par `tessera alerts test` depuis l'instance { $instance } à { $at }. Si vous la lisez, les alertes vous parviennent.

    — Tessera
mail-tickets_sent-subject = E-billet envoyé : { $reference }
mail-tickets_sent-body =
    Bonjour { $owner },

    { $guest } a reçu son e-billet pour la réservation { $reference } ({ $title }). Il le présentera à son arrivée.

    — Tessera
mail-tickets_sent_admin-subject = E-billet envoyé pour { $reference }
mail-tickets_sent_admin-body =
    Le propriétaire a confirmé la réservation { $reference } ({ $title }) et { $guest } a reçu son e-billet.

    — Tessera

## error

error-checkout_open = Un paiement par carte est en cours d'ouverture pour cette commande ; réessayez dans un instant.

## Spreadsheet exports
csv-yes = Oui
csv-no = Non

## MTN Mobile Money : ce qu'un refus veut dire pour le payeur
momo-reason-payer_not_found = Ce numéro n'a pas de compte MTN Mobile Money. Vérifiez le numéro et réessayez.
momo-reason-not_enough_funds = Le solde de ce compte Mobile Money est insuffisant. Rechargez-le, puis réessayez.
momo-reason-rejected = Le paiement a été refusé sur le téléphone.
momo-reason-expired = Le paiement n'a pas été validé à temps. Réessayez et validez-le sur votre téléphone.
momo-reason-limit = Ce compte a atteint son plafond Mobile Money. Essayez un montant plus petit ou un autre numéro.
momo-reason-invalid_amount = Mobile Money n'accepte pas ce montant ou cette devise.
momo-reason-failed = Mobile Money n'a pas pu prendre le paiement. Réessayez dans un instant.
momo-reason-unavailable = Mobile Money est injoignable pour le moment. Réessayez dans quelques minutes.

## Payer depuis le téléphone
billing-pay_phone = Payer depuis mon téléphone (MTN Mobile Money ou Orange Money)
phone-orange_open = Confirmez le paiement avec votre code Orange Money sur la page d'Orange.
phone-orange_go = Ouvrir la page Orange Money
phone-notch_open = Terminez le paiement sur la page Notch Pay (MTN Mobile Money ou Orange Money) ; vous revenez ici ensuite.
phone-notch_go = Ouvrir la page de paiement
orange_sandbox-badge = Bac à sable — Orange Money simulé, rien n'est débité
orange_sandbox-title = Paiement Orange Money
orange_sandbox-intro = Dans la démo, cette page joue celle d'Orange : confirmez comme le payeur avec son code, ou refusez.
orange_sandbox-confirm = Confirmer le paiement
orange_sandbox-decline = Refuser
phone-number_label = Numéro Mobile Money
phone-number_hint = Le téléphone qui valide le paiement, ex. 6 77 12 34 56.
phone-page_title = Validez sur votre téléphone
phone-title_waiting = Validez le paiement sur votre téléphone
phone-title_paid = Paiement reçu
phone-title_failed = Le paiement n'a pas été fait
phone-title_review = Nous vérifions ce paiement
phone-asked = Une demande de { $amount } a été envoyée au { $number } ({ $operator }).
phone-dial = Validez-la sur votre téléphone (composez le { $code } si rien ne s'affiche).
phone-time_left = Temps restant pour valider :
phone-refreshing = Cette page se met à jour toute seule ; vous pouvez la laisser ouverte.
phone-paid = Merci : le paiement est reçu et votre abonnement est prolongé.
phone-review = L'opérateur a signalé un paiement différent de celui demandé. Un administrateur le vérifie ; vous n'avez rien d'autre à faire.
phone-number = Numéro
phone-back_order = Retour à la commande
order-pay_phone_title = Payer depuis mon téléphone
order-pay_phone_intro = MTN Mobile Money ou Orange Money : nous envoyons une demande de paiement à votre téléphone, vous l'approuvez sur place. Montant :
phone-paid_order = Merci : le paiement est reçu et votre commande est payée. Vos e-billets sont sur la page de la commande et dans votre e-mail.
order-pay_phone = Envoyer la demande à mon téléphone
order-phone_open = Un paiement depuis votre téléphone est en cours.
order-phone_continue = Voir le paiement
phone-retry = Réessayer
phone-sandbox_badge = Bac à sable — MTN simulé, rien n'est débité
phone-sandbox_title = Téléphone de démonstration
phone-sandbox_intro = Dans la démo, ce cadre joue le téléphone du payeur : choisissez ce qu'il fait.
phone-sandbox_approve = Valider le paiement
phone-sandbox_decline = Refuser
phone-sandbox_no_funds = Solde insuffisant
error-wallet_not_cameroon = Saisissez un numéro MTN ou Orange du Cameroun, ex. 6 77 12 34 56.
error-wallet_operator_unknown = Ce numéro n'est ni MTN ni Orange : les numéros MTN commencent par 67, 650–654 ou 680–684 ; les numéros Orange par 69, 655–659 ou 685–689.
error-wallet_mtn_unavailable = Le paiement depuis un téléphone MTN n'est pas encore disponible ici. Choisissez un autre moyen de paiement.
error-wallet_orange_unavailable = Le paiement depuis un téléphone Orange Money n'est pas encore disponible ici. Choisissez un autre moyen, ou envoyez la preuve d'un transfert Orange Money.
error-payment_not_failed = Ce paiement est encore en cours ou déjà fait : il n'y a rien à réessayer.

## Relevés des opérateurs
statement-title = Relevés des opérateurs
statement-intro = Importez le relevé marchand exporté de MTN MoMo ou d’Orange Money (CSV ou Excel). Chaque ligne est rapprochée des tickets envoyés par les familles et des commandes qui attendent leur paiement, d’abord par identifiant de transaction, puis par montant et numéro de téléphone ; vous approuvez les correspondances sûres en un clic et tranchez les autres. Importer à nouveau les mêmes lignes ne change rien.
statement-operator = Opérateur
statement-file = Fichier du relevé
statement-file_hint = CSV ou Excel (.xlsx), 20 Mo au plus.
statement-import = Importer le relevé
statement-reading = Lecture du relevé…
statement-columns = Colonnes du fichier
statement-columns_hint = Le nom des colonnes tel qu’il figure sur la première ligne du fichier. Il est retenu pour le prochain import.
statement-col_transaction_id = Colonne de l’identifiant de transaction
statement-col_amount = Colonne du montant
statement-col_phone = Colonne du numéro du payeur
statement-col_date = Colonne de la date
statement-status_column = Colonne du statut (facultatif)
statement-status_ok = Statut d’un paiement réussi
statement-sample = Démo : pas de compte opérateur ? Téléchargez un relevé qui paie les tickets en attente de cet opérateur, puis importez-le.
statement-sample_link = Télécharger un relevé d’exemple
statement-imports = Imports
statement-none = Aucun relevé importé pour l’instant.
statement-imported_at = Importé le
statement-lines = Lignes
statement-lines_new = { $new } lignes nouvelles sur { $read } (les autres étaient déjà importées)
statement-approved = Approuvées
statement-s-confident = Correspondances sûres
statement-s-ambiguous = À trancher
statement-s-approved_before = Déjà utilisées
statement-s-unmatched = Paiements inconnus
statement-s-done = Traitées
statement-h-confident = Un ticket ou une commande en attente porte l’identifiant de transaction de cette ligne, ou son montant et son numéro.
statement-h-ambiguous = Plusieurs tickets ou commandes pourraient correspondre, ou les montants diffèrent : choisissez-en un, ou écartez la ligne.
statement-h-approved_before = Cet identifiant de transaction appartient à un ticket ou une commande déjà payé : un même paiement n’est jamais approuvé deux fois.
statement-h-unmatched = Argent reçu qu’aucun ticket ni aucune commande ne déclare. Saisissez sa référence si vous savez à qui il revient.
statement-h-done = Lignes approuvées ou écartées.
statement-empty_section = Rien ici.
statement-sections = Parties du relevé
statement-line = Ligne du relevé
statement-ticket = Ticket ou commande
statement-ticket_reference = Référence du ticket ou de la commande
statement-decision = Décision
statement-by-TRANSACTION_ID = Même identifiant de transaction
statement-by-AMOUNT_AND_PHONE = Même montant et même numéro
statement-used_twice = Identifiant de transaction déjà utilisé
statement-no_ticket = Rien de déclaré
statement-state-APPROVED = Approuvée
statement-state-DISMISSED = Écartée
statement-state-OPEN = Ouverte
statement-dismiss = Écarter
statement-approve_all = { $count ->
    [one] Approuver la correspondance sûre
   *[other] Approuver les { $count } correspondances sûres
}
statement-approving = Approbation en cours : { $done } approuvées, { $left } restantes…
statement-done_approved = Les correspondances sûres sont approuvées : abonnements prolongés, commandes payées.
statement-done_resolved = Le paiement est approuvé.
statement-done_dismissed = La ligne est écartée.
statement-error_empty = Le fichier est vide.
statement-error_column = Le fichier n’a pas de colonne nommée « { $column } ». Vérifiez les colonnes ci-dessous.
statement-error_unreadable = Le fichier ne peut pas être lu comme un CSV ou un fichier Excel.
statement-error_operator = Choisissez MTN MoMo ou Orange Money.
statement-error_file = Choisissez le fichier du relevé.
statement-error_too_large = Le fichier dépasse 20 Mo.
statement-error_unpacked = Le classeur est trop volumineux une fois décompressé (200 Mo au plus). Exportez une période plus courte, ou en CSV.
statement-error_mapping = Indiquez les colonnes de l’identifiant de transaction, du montant, du téléphone et de la date.
statement-error_no_lines = Le fichier ne contient aucun paiement entrant réussi.
statement-error_line_done = Cette ligne a déjà été traitée, ou son ticket a été payé par une autre ligne.
statement-error_ticket = Aucun ticket ni aucune commande ne porte cette référence.
statement-error_ticket_operator = Ce paiement a été fait avec un autre opérateur.
statement-error_ticket_amount = Le montant dû n’est pas celui de la ligne.
pay-phone_offer = Pas besoin de capture d’écran : payez depuis votre téléphone avec MTN Mobile Money ou Orange Money, validez sur le téléphone, et l’abonnement suit aussitôt.
pay-phone_offer_link = Payer plutôt depuis mon téléphone
admin-phone_accounts = Comptes mobile money
phone_settings-title = Paiement depuis le téléphone : vos comptes opérateur
phone_settings-intro = Saisissez votre propre compte MTN Mobile Money, Orange Money ou Notch Pay : les paiements depuis le téléphone pour les événements que vous organisez y arrivent directement, et Tessera confirme chacun auprès de l'opérateur. Les identifiants sont conservés chiffrés et ne sont plus jamais affichés.
phone_settings-fallback_site = Sans compte à vous, les paiements depuis le téléphone pour vos événements vont au compte de ce site.
phone_settings-fallback_none = Sans compte à vous, vos événements ne peuvent pas être payés depuis le téléphone : ce site n'a pas de compte opérateur.
phone_settings-environment = Où vont les paiements
phone_settings-env-builtin = Bac à sable intégré (démo : rien n'est débité)
phone_settings-env-sandbox = Le bac à sable de l'opérateur (identifiants de test)
phone_settings-env-live = Production (argent réel)
phone_settings-working = La connexion fonctionne : les paiements depuis le téléphone pour vos événements vont à ce compte.
phone_settings-problem-CREDENTIALS = L'opérateur a refusé ces identifiants. Les paiements pour vos événements vont au compte de ce site, s'il en a un, jusqu'à ce que vous les corrigiez.
phone_settings-problem-UNREACHABLE = L'opérateur est injoignable pour le moment ; le compte reste utilisé. Vérifiez de nouveau dans un instant.
phone_settings-problem-REFUSED = L'opérateur a refusé la connexion : vérifiez où vont les paiements et les identifiants.
phone_settings-not_set = Pas encore de compte.
phone_settings-checked_at = vérifié
phone_settings-save = Enregistrer et vérifier la connexion
phone_settings-check = Vérifier la connexion
phone_settings-remove = Retirer ce compte
phone_settings-remove_question = Retirer le compte ? Ses identifiants sont oubliés, et les paiements depuis le téléphone pour vos événements vont au compte de ce site, s'il en a un.
phone_settings-remove_confirm = Retirer le compte
phone_settings-keep_secret = Laissez vide pour garder celle enregistrée.
phone_settings-builtin_hint = Dans le bac à sable intégré, l'utilisateur API ou l'identifiant client est tessera-sandbox et chaque clé est sandbox.
phone_settings-webhook = Dans le tableau de bord Notch Pay, envoyez les webhooks de ce compte à :
phone_settings-saved = Enregistré, et la connexion a été vérifiée : voir ci-dessous.
phone_settings-checked = La connexion a été vérifiée de nouveau : voir ci-dessous.
phone_settings-removed = Le compte a été retiré.
phone_settings-api_user = Utilisateur API
phone_settings-api_key = Clé API
phone_settings-subscription_key = Clé d'abonnement (Ocp-Apim-Subscription-Key)
phone_settings-client_id = Identifiant client
phone_settings-client_secret = Secret client
phone_settings-merchant_key = Clé marchand
phone_settings-public_key = Clé publique
phone_settings-hash_key = Clé de hachage (signe les webhooks)
error-credential_required = Saisissez cet identifiant.
error-credential_invalid = Un identifiant ne contient pas d'espace et fait au plus 200 caractères.
error-builtin_unavailable = Le bac à sable intégré n'existe que dans la démo : choisissez le bac à sable de l'opérateur ou la production.
error-environment_invalid = Choisissez où vont les paiements.
eticket-door_code = Code d'entrée
checkin-reason-NOT_A_CODE = Ce n'est ni le QR code d'un billet ni son code d'entrée : vérifiez la saisie.
checkin-reason-UNKNOWN = Aucun billet n'a ce code : il est peut-être mal saisi, ou le billet n'est pas de chez nous.
checkin-reason-VOID = Ce billet a été remboursé ou annulé : il ne permet pas d'entrer.
checkin-reason-OTHER_EVENT = Ce billet est pour un autre événement que celui de cette entrée (nommé ci-dessous).
checkin-place = Entrée :
checkin-event = Événement à cette entrée
checkin-any_event = Tous les événements
checkin-gate = Porte
checkin-gate_hint = Facultatif, comme « Porte nord » : les entrées sont comptées par porte.
checkin-set_place = Régler l'entrée
checkin-gates = Entrés par porte
checkin-no_gate = Sans porte nommée
checkin-switch_camera = Changer de caméra
checkin-torch = Lampe
checkin-camera_off = Arrêter la caméra
door-offline-not_registered = Ce téléphone n'a pas téléchargé la liste d'entrée de cet événement : téléchargez-la de nouveau.
door-offline-revoked = Ce téléphone a été révoqué : il ne peut plus valider d'entrée.
door-offline-expired = Cet événement est terminé : sa liste d'entrée ne peut plus être téléchargée.
checkin-offline-title = Hors ligne
checkin-offline-download = Télécharger la liste d'entrée pour le hors-ligne
checkin-offline-ready = Prêt hors ligne :
checkin-offline-tickets = billets, jusqu'au
checkin-offline-queued = Scans en attente d'envoi :
checkin-offline-online = En ligne
checkin-offline-offline = Pas de réseau : réponses depuis la liste de ce téléphone
checkin-offline-answered = Réponse hors ligne, depuis la liste de ce téléphone.
checkin-offline-device = Téléphone d'entrée
checkin-offline-hint = Téléchargez la liste avant l'ouverture des portes : sans réseau, ce téléphone répond à chaque scan avec elle et envoie les scans au retour du réseau.
checkin-offline-pick_event = Réglez l'entrée sur un événement pour l'utiliser hors ligne.
checkin-offline-conflicts = Conflits
checkin-offline-conflict = entré d'abord le
checkin-offline-yours = votre scan le
checkin-offline-wiped = La liste d'entrée de ce téléphone a été effacée.
checkin-install = Installer l'application d'entrée
checkin-devices = Téléphones ayant la liste de cet événement
checkin-device-list_at = Liste téléchargée
checkin-device-synced_at = Dernière synchro
checkin-device-revoke = Révoquer
checkin-device-revoked = Révoqué
checkin-revoked_done = Le téléphone a été révoqué et déconnecté.
checkin-staff = Personnel

# L'équipe d'entrée d'un événement
door_team-title = Équipe d'entrée
door_team-help = Les personnes qui peuvent contrôler les entrées de cet événement, et de lui seul. Elles se connectent avec leur propre compte ; l'entrée est dans leur menu.
door_team-empty = Personne pour l'instant : seuls le personnel et les administrateurs tiennent cette entrée.
door_team-email = E-mail de son compte
door_team-email_hint = La personne s'inscrit d'abord sur /register, puis vous l'ajoutez ici.
door_team-add = Ajouter à l'équipe d'entrée
door_team-remove = Retirer
door_team-added = Ajouté à l'équipe d'entrée.
door_team-removed = Retiré de l'équipe d'entrée ; ses téléphones pour cet événement ont été révoqués.
door_team-no_account = Aucun compte n'utilise cet e-mail. Demandez-lui de s'inscrire d'abord, puis ajoutez-le.
