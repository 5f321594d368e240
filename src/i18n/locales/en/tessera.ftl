## app

app-name = Tessera
app-tagline = Collect payments by mobile money, card and e-ticket — verified by people you trust.

mail-security_sign_in-subject = New sign-in to your Tessera account
mail-security_sign_in-body =
    Hello { $name },

    Your account was just signed in to from a browser it had not used before:
    { $device }, on { $when } (address { $ip }).

    If this was you, there is nothing to do.
    If it was not, change your password now, from a browser you trust:
    { $url }/forgot

    — Tessera
mail-security_password-subject = Your Tessera password was changed
mail-security_password-body =
    Hello { $name },

    The password of your account was changed on { $when }.

    If this was you, there is nothing to do.
    If it was not, choose a new one at once with this page, and tell your administrator:
    { $url }/forgot

    — Tessera

## nav

nav-home = Home
nav-login = Log in
nav-register = Create an account
nav-family = My family
nav-account = My account
nav-admin = Administration
nav-logout = Log out
nav-menu = Main navigation
nav-skip = Skip to the content
nav-menu_button = Menu
nav-open_menu = Show the menu

## lang

lang-label = Language
lang-switch = Change

## home

home-title = Welcome to Tessera
home-signed_in_as = Signed in as
home-start = Create your family account in a minute, then pay by mobile money or card.

## field

field-name = Full name
field-email = E-mail address
field-phone = Phone number
field-phone_hint = International form, e.g. +237 6 77 12 34 56
field-password = Password
field-password_hint = At least 10 characters, not only digits.
field-current_password = Current password
field-new_password = New password
field-family_name = Family name
field-family_name_hint = Or your organisation's name.
field-account_kind = This account is for
field-account_kind-family = My family
field-account_kind-organisation = My organisation: business plans, paid by card in dollars
field-language = Preferred language

## register

register-title = Create your account
register-submit = Create my account
register-have_account = Already registered?

## login

login-title = Log in
login-submit = Log in
login-no_account = No account yet?
login-forgot = Forgot your password?

## forgot

forgot-title = Reset your password
forgot-intro = Enter your e-mail address: if an account uses it, we send a link valid for one hour.
forgot-submit = Send the link
forgot-sent = If an account uses this address, a reset link is on its way.

## reset

reset-title = Choose a new password
reset-submit = Save the new password

## family

family-title = My family
family-members = Members
family-manager = Family manager
family-member = Member
family-none = You do not belong to a family yet.
family-add_title = Add a member
family-add_intro = The new member receives an e-mail with a link to choose a password.
family-add_submit = Add the member
family-added = Member added: an e-mail invites them to choose a password.
family-only_manager = Only the family manager can add members.

## account

account-title = My account
account-language_title = Language
account-language_submit = Save the language
account-language_saved = Language saved.
account-password_title = Change my password
account-password_submit = Change the password
account-password_saved = Password changed.
account-role = Role

## admin

admin-title = Administration
admin-users = Users
admin-families = Families
admin-outbox_pending = Messages waiting to be sent
admin-outbox_failed = Messages that failed
admin-recent_users = Newest accounts

## role

role-member = Member
role-staff = Staff
role-admin = Administrator

## page

page-not_found = Page not found
page-login_required = Please log in to see this page.
page-forbidden = You do not have access to this page.
page-loading = Loading…

## form

form-sending = Sending…

## error

error-email_required = Enter your e-mail address.
error-email_invalid = This e-mail address is not valid.
error-email_taken = An account already uses this e-mail address.
error-phone_required = Enter a phone number.
error-phone_invalid = This phone number is not valid: use the international form, e.g. +237 6 77 12 34 56.
error-password_required = Enter a password.
error-password_short = The password must have at least 10 characters.
error-password_long = The password must have at most 128 characters.
error-password_digits = The password must not be only digits.
error-password_wrong = The current password is not correct.
error-name_required = Enter a name.
error-name_invalid = This name is too long or contains characters that are not allowed.
error-family_name_required = Enter the family's name.
error-family_name_invalid = This family name is too long or contains characters that are not allowed.
error-role_invalid = Unknown role.
error-login_failed = E-mail or password is not correct.
error-login_throttled = Too many failed attempts. Wait a few minutes, then try again.
error-reset_invalid = This link is not valid, has expired or was already used. Ask for a new one.
error-login_required = Please log in first.
error-forbidden = You are not allowed to do this.
error-not_found = Not found.
error-bad_request = The request could not be understood.
error-csrf = This request came from another site and was refused.
error-internal = Something went wrong on our side. Please try again.
error-language_invalid = Unknown language.
error-currency_invalid = Unknown currency.
error-amount_required = Enter the amount you paid.
error-amount_invalid = This amount is not valid: digits only, e.g. 15,000.
error-amount_positive = The amount must be more than zero.
error-amount_below_minimum = This amount is below the minimum for the chosen plan.
error-status_invalid = Unknown status.
error-reference_invalid = This ticket reference is not valid.
error-transaction_id_required = Enter the transaction id from the operator's SMS.
error-transaction_id_invalid = The transaction id has 4 to 64 letters or digits, without spaces.
error-plan_invalid = Choose one of the plans on offer.
error-plan_not_for_account = This plan is not offered to this kind of account.
error-account_kind_invalid = Choose a family or an organisation account.
error-duration_invalid = Choose one of the durations on offer for this plan.
error-ussd_invalid = A USSD code is stars, hashes and digits ending with #, e.g. *126#.
error-pay_account_exists = This number is already listed for this method.

## howto

howto-title = Where to send the money
howto-send = Send exactly
howto-holder = Account name:
howto-holder_label = Account name
howto-holder_hint = As the operator shows it to the payer before they confirm.
howto-dial = From any phone, dial
howto-reference = In the transfer's message, write:
howto-copy = Copy
howto-copied = Copied
howto-copy_number = Copy the number
howto-copy_reference = Copy the reference
howto-none = The organisation has not listed its numbers yet: ask them where to send the money.
howto-admin_title = Mobile-money numbers
howto-admin_intro = The numbers families send money to, shown with the amount and the reference wherever they pay.
howto-admin_empty = No number yet: families are told to ask you where to pay.
howto-number = Receiving number
howto-ussd = USSD code
howto-ussd_hint = Optional: what a payer dials without the app, e.g. *126# (MTN) or #150# (Orange).
howto-add = Add the number
howto-remove = Remove
howto-saved = The number was added.
howto-removed = The number was removed.

## error

error-proof_already_sent = Your proof of payment is being checked: wait for the answer before paying another way.
error-method_invalid = Choose one of the payment methods on offer.
error-notes_too_long = This text is too long (1000 characters at most).
error-proof_required = Add the screenshot or PDF of your payment.
error-proof_filename = The file name must not contain a folder path.
error-proof_empty = The file is empty.
error-proof_too_large = The file is larger than 5 MB.
error-proof_type = Only JPEG, PNG, WEBP images and PDF files are accepted.
error-proof_corrupt = The file is damaged or is not really an image or a PDF.
error-proof_too_big_image = The image is too large in pixels (12 000 × 12 000 at most).
error-proof_too_many_pixels = This image has more pixels than a phone camera takes (50 megapixels at most): send a photo or a screenshot of the payment.
error-upload_failed = The file could not be received just now: please send it again in a moment.
error-proof_active_content = PDF files with scripts or attachments are not accepted.
error-proof_pdf_locked = This PDF is protected by a password: send it without the password, or a photo of the receipt.
error-rate_limited = Too many requests from your connection. Please wait a few minutes and try again.
error-no_family = Your account does not belong to a family yet.
error-ticket_not_pending = This ticket is no longer pending: it was already reviewed or cancelled.
error-reason_required = Give the reason for the rejection: the family will read it.

## mail

mail-ticket_submitted-subject = Payment ticket { $reference } received
mail-ticket_submitted-body =
    Hello { $name },

    We received your payment ticket { $reference } for { $amount }. An administrator will check it, usually within 24 hours. Follow it at { $url }/tickets/{ $reference }

    — Tessera
mail-ticket_approved-subject = Payment { $reference } approved
mail-ticket_approved-body =
    Hello { $name },

    Your payment ticket { $reference } was approved. Your family's subscription now runs until { $end }.

    — Tessera
mail-ticket_rejected-subject = Payment { $reference } rejected
mail-ticket_rejected-body =
    Hello { $name },

    Your payment ticket { $reference } was rejected for this reason:
    { $reason }

    You can submit a new ticket with a corrected proof.

    — Tessera

## api

api-ticket_created = Payment ticket created.
api-proof_replaced = Proof replaced.
api-ticket_cancelled = Ticket cancelled.
api-ticket_approved = Ticket approved and subscription extended.
api-ticket_rejected = Ticket rejected.
api-notes_saved = Notes saved.

## nav

nav-pay = Pay
nav-tickets = My payments

## pay

pay-title = Pay by mobile money
pay-progress = Steps
pay-step1 = Plan
pay-step2 = Payment details
pay-step3 = Proof
pay-plan = Plan
pay-days = days
pay-minimum = Minimum amount:
pay-duration = Duration
pay-next = Continue
pay-back = Back
pay-price_is = Price for this duration:
pay-method = Payment method
pay-amount = Amount paid
pay-amount_hint = As in the operator's SMS, e.g. 15,000.
pay-phone = Phone number used
pay-transaction_id = Transaction id
pay-transaction_id_hint = Printed in the confirmation SMS, e.g. MTN123456789.
pay-notes = Notes (optional)
pay-proof = Screenshot or PDF of the payment
pay-proof_hint = JPEG, PNG, WEBP or PDF, 5 MB at most.
pay-preview = Preview of the proof
pay-uploading = Sending the proof

## ui

ui-table_scrolls = Table: scroll sideways to see every column

## pay

pay-plan_and_duration = Plan and duration
pay-days_count = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
pay-preparing = Preparing the photo…
pay-photo_reduced = Photo reduced from { $from } to { $to } before sending.
pay-submit = Send the payment ticket

## tickets

tickets-title = My payment tickets
tickets-new = New payment
tickets-none = No payment ticket yet.
tickets-reference = Reference
tickets-status = Status
tickets-age = Age
tickets-submitted_by = Submitted by
tickets-overdue = Overdue

## status

status-PENDING = Pending
status-APPROVED = Approved
status-REJECTED = Rejected
status-CANCELLED = Cancelled

## event

event-SUBMITTED = Submitted
event-APPROVED = Approved
event-REJECTED = Rejected
event-CANCELLED = Cancelled
event-PROOF_REPLACED = Proof replaced
event-NOTES_EDITED = Notes edited

## ticket

ticket-title = Payment ticket
ticket-submitted = Your payment ticket was sent. An administrator will check it, usually within 24 hours.
ticket-proof_replaced = The proof was replaced.
ticket-proof = Proof
ticket-open_proof = Open the PDF
ticket-pdf_not_shown = This browser does not show PDFs inside the page.
ticket-no_proof = No proof attached.
ticket-replace_proof = Replace the proof
ticket-replace_submit = Send the new proof
ticket-cancel = Cancel this ticket
ticket-cancel_question = Cancel this payment ticket? It will not be reviewed, and you would send a new one to pay.
ticket-cancel_confirm = Yes, cancel the ticket
ticket-timeline = History
ticket-reason = Reason
ticket-subscription_end = Subscription runs until

## admin

admin-tickets = Payment tickets
admin-tabs = Ticket lists
admin-tab_all = All
admin-tab_pending = Pending
admin-tab_overdue = Overdue
admin-stats = Statistics
admin-search = Search (reference, phone, transaction id)
admin-any = Any
admin-from = From
admin-to = To
admin-sort = Order
admin-sort_default = Default
admin-sort_newest = Newest first
admin-sort_oldest = Oldest first
admin-filter = Filter
admin-results = { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
admin-family = Family
admin-pages = Pages
admin-previous = Previous
admin-next = Next
admin-approved = Ticket approved: the subscription was extended.
admin-rejected = Ticket rejected: the family was told why.
admin-duplicate_warning = Already used on another ticket:
admin-same_txid = same transaction id
admin-same_proof = same proof file
admin-subscription = Subscription
admin-no_subscription = None yet
admin-ip = IP address
admin-user_agent = Browser
admin-reviewed_by = Reviewed by
admin-decision = Decision
admin-notes = Admin notes
admin-approve = Approve and extend
admin-reason = Reason for rejection
admin-reject = Reject
admin-save_notes = Save the notes
admin-per_day = Tickets per day (30 days)
admin-count = Count
admin-by_method = Approved by payment method
admin-by_plan = Approved by plan
admin-by_admin = By administrator
admin-approval_rate = Approval rate
admin-avg_review = Average review time
admin-stat_pending = Pending
admin-stat_approved = Approved
admin-stat_rejected = Rejected
admin-stat_last24h = Last 24 h
admin-stat_overdue = Overdue
admin-stat_amount = Approved amount

## mail

mail-digest-subject = { $count ->
    [one] { $count } overdue payment ticket
   *[other] { $count } overdue payment tickets
}
mail-digest-body =
    Hello { $name },

    These payment tickets have waited more than { $hours } hours:
    { $list }
    Review them at { $url }/admin/tickets?tab=overdue

    — Tessera
mail-welcome-subject = Welcome to Tessera
mail-welcome-body =
    Hello { $name },

    Your account and the family "{ $family }" are ready. You can log in at { $url }/login with { $email }.

    — Tessera
mail-invite-subject = You have been added to a family on Tessera
mail-invite-body =
    Hello { $name },

    { $manager } added you to the family "{ $family }". Choose your password here (valid for 72 hours, once):
    { $url }/reset/{ $token }

    — Tessera
mail-reset-subject = Reset your Tessera password
mail-reset-body =
    Hello { $name },

    To choose a new password, open this link within one hour (it works once):
    { $url }/reset/{ $token }

    If you did not ask for this, ignore this e-mail.

    — Tessera

## nav

nav-events = Events & stays
nav-checkin = Check-in

## events

events-title = Events and stays
events-none = Nothing on sale right now.
events-kind-EVENT = Event
events-kind-STAY = Stay
events-per_place = per place
events-per_night = per night
events-venue = Venue
events-address = Address
events-when = When
events-price = Price
events-left = Places left

## order

order-form_title = Book
order-quantity = Places
order-quantity_hint = How many places (one e-ticket each).
order-guests = Guests
order-guests_short = guests
order-guests_hint = How many people will stay.
order-check_in = Arrival
order-check_out = Departure
order-nights = nights
order-referral_code = Referral code (optional)
order-submit = Order and pay
order-title = Order
order-buyer = Buyer
order-subtotal = Subtotal
order-discount = Discount
order-total = Total
order-paid = Paid
order-refund = Refund
order-cancel_reason = Reason for cancelling
order-pay_title = Pay by mobile money
order-pay_intro = Send the amount by MTN Mobile Money or Orange Money, then upload the screenshot of the confirmation below.
order-send_proof = Send the proof
order-proof_sent = Proof received: an administrator will check it shortly.
order-proof_received = We have your proof. You can send another one if it was the wrong file.
order-tickets = E-tickets
order-open_ticket = E-ticket
order-history = History
order-payment = Payment
order-has_proof = proof
order-no_proof = No proof of payment yet.
order-approve_proof = Proof checked: mark paid
order-mark_cash = Paid in cash
order-mark_cash_question = Mark this order paid in cash? It is settled at once: tickets are issued and the buyer is told.
order-mark_cash_confirm = Yes, paid in cash
order-marked_paid = Order marked paid.
order-cancel_title = Cancel the order
order-cancel = Cancel the order
order-cancelled = Order cancelled.
order-buyer_link = Buyer's page:
order-via-PROOF = mobile-money proof

## method

method-MTN_MOMO = MTN Mobile Money
method-ORANGE_MONEY = Orange Money
method-MOBILE_MONEY = Mobile money
method-CARD = Card
method-WALLET = Wallet
method-CASH = Cash
method-PROOF = Mobile-money proof
method-BANK_TRANSFER = Bank transfer

## provider

provider-manual = Checked by an admin
provider-payment_ticket = Checked by an admin
provider-sumup = SumUp
provider-stripe = Stripe
provider-paytr = PayTR
provider-wallet = Wallet
provider-cash = Cash

## notify

notify-channel-email = E-mail
notify-channel-whatsapp = WhatsApp
notify-kind-order_created = Order received
notify-kind-tickets_issued = E-tickets
notify-kind-owner_request = Request to the owner
notify-kind-order_cancelled = Order cancelled
notify-kind-order_cancelled_refund = Cancelled, refund due
notify-kind-refund_initiated = Refund started
notify-kind-refund_completed = Refund completed
notify-kind-tickets_sent = E-ticket sent
notify-kind-tickets_sent_admin = E-ticket sent (admins)
notify-kind-payment_expired = Payment expired
notify-kind-payment_stuck = Payment stuck
notify-status-PENDING = Waiting to be sent
notify-status-SENT = Sent
notify-status-FAILED = Failed
notify-status-SKIPPED = Not sent

## order

order-via-CASH = cash
order-via-CARD = card
order-status-PAYMENT_PENDING = Awaiting payment
order-status-PENDING_VERIFICATION = Payment being checked
order-status-PAID = Paid
order-status-OWNER_CONFIRMED = Confirmed by the owner
order-status-TICKETS_ISSUED = E-tickets issued
order-status-OWNER_CANCELLED = Cancelled by the owner
order-status-CANCELLED = Cancelled
order-status-FAILED = Payment failed
order-status-EXPIRED = Expired
order-status-REQUIRES_MANUAL_REVIEW = Under manual review
order-explain-PAYMENT_PENDING = Your places are held. Pay and send the proof below.
order-explain-PENDING_VERIFICATION = We are checking your payment; you will get an e-mail.
order-explain-PAID = Payment received. The owner is confirming your stay.
order-explain-OWNER_CONFIRMED = The owner confirmed your stay.
order-explain-TICKETS_ISSUED = Your e-tickets are ready: show the QR code at the entrance.
order-explain-OWNER_CANCELLED = The owner could not take your booking. You will be refunded.
order-explain-CANCELLED = This order was cancelled.
order-explain-FAILED = The payment failed.
order-explain-EXPIRED = No payment arrived in time; the places were released.
order-explain-REQUIRES_MANUAL_REVIEW = An administrator is checking this payment by hand.
order-event-CREATED = Order placed
order-event-PROOF_SUBMITTED = Proof of payment sent
order-event-PAID = Marked paid
order-event-OWNER_ASKED = Owner asked to confirm
order-event-OWNER_CONFIRMED = Confirmed by the owner
order-event-TICKETS_ISSUED = E-tickets issued
order-event-OWNER_CANCELLED = Cancelled by the owner
order-event-CANCELLED = Cancelled
order-event-EXPIRED = Expired unpaid
order-event-ADMIN_ALERTED = Admins alerted: payment pending
order-event-REFUND_INITIATED = Refund initiated
order-event-REFUND_COMPLETED = Refund completed
order-event-PENDING_VERIFICATION = Back from the card payment: being verified
order-event-REQUIRES_MANUAL_REVIEW = Payment to be checked by hand
order-event-PAYMENT_NOTE = Payment note
order-event-PLACES = Places
order-event-PAYMENT_PENDING = Waiting for payment
order-event-FAILED = Payment failed
order-event-REFUND_REQUIRED = Refund to be made

## eticket

eticket-holder = Holder
eticket-ticket = Ticket
eticket-number = Ticket { $seq } of { $count }
eticket-reference = Order
eticket-paid = Paid
eticket-balance = Balance due
eticket-check_in = Arrival
eticket-check_out = Departure
eticket-checked_in_at = Checked in at
eticket-qr_label = QR code of this e-ticket
eticket-instructions = At the entrance
eticket-instruction_show = Show this QR code (on screen or printed).
eticket-instruction_id = Bring an identity document.
eticket-instruction_owner = Owner's phone:
eticket-download_pdf = Download the PDF
eticket-not_found = No such e-ticket
eticket-not_found_help = Check the link in your e-mail, or contact the organiser.
eticket-status-VALID = Valid
eticket-status-CHECKED_IN = Checked in
eticket-status-VOID = Void

## owner

owner-confirm_title = Confirm this booking?
owner-cancel_title = Cancel this booking?
owner-confirm = Confirm the booking
owner-cancel = Cancel the booking
owner-done-confirm = Booking confirmed. The guest has received their e-ticket.
owner-done-cancel = Booking cancelled. The guest will be refunded.
owner-done-used = This link has already been used; nothing was changed.
owner-done-expired = This link has expired; nothing was changed. Contact the administrator.
owner-done-stale = This booking has already been handled; nothing was changed.
owner-state-USED = This link has already been used; nothing was changed.
owner-state-EXPIRED = This link has expired (links work for 30 minutes); nothing was changed. Contact the administrator.
owner-state-STALE = This booking has already been handled; nothing was changed.
owner-invalid_title = Link not valid
owner-invalid = This link is not valid. Use the link from your message as it is.

## checkin

checkin-title = Door check-in
checkin-scan = Scan with the camera
checkin-code = Ticket code or link
checkin-code_hint = Scan the QR code, or type the door code printed under it (like K7QM-3XP9).
checkin-submit = Check in
checkin-outcome-VALID = VALID
checkin-outcome-ALREADY_CHECKED_IN = ALREADY CHECKED IN
checkin-outcome-INVALID = INVALID
checkin-outcome-VOID = VOID
checkin-first_at = First checked in
checkin-counter = checked in
checkin-counts = Checked in / issued
checkin-checked_in = Checked in
checkin-issued = Issued
checkin-camera_error = The camera could not be opened; type the code instead.

## admin

admin-orders = Orders
admin-order_results = { $count ->
    [one] { $count } order
   *[other] { $count } orders
}
admin-events = Events and stays
admin-refunds = Refunds
admin-commissions = Commissions
admin-commission = Commission
admin-status = Status
admin-date = Date
admin-edit = Edit
admin-save = Save
admin-event_saved = Saved.
admin-event_new = New event or stay
admin-event_edit = Edit
admin-event_kind = Kind
admin-event_title = Title
admin-event_slug = Address on the site
admin-event_slug_hint = Lower-case words with hyphens; made from the title if left empty.
admin-event_description = Description
admin-event_venue = Venue or address
admin-event_starts = Starts (West Africa time)
admin-event_ends = Ends
admin-event_capacity = Capacity
admin-event_capacity_hint = Places for an event; most guests per booking for a stay.
admin-event_price = Price
admin-event_price_hint = Per place for an event, per night for a stay.
admin-event_currency = Currency (XAF if empty)
admin-event_max = Most places per order
admin-event_sales_start = Sales open
admin-event_sales_end = Sales close
admin-event_owner = Owner's name (stays)
admin-event_owner_phone = Owner's phone (stays)
admin-event_owner_email = Owner's e-mail (stays)
admin-event_checkin_info = Check-in instructions

## refund

refund-pending = To refund
refund-history = Completed refunds
refund-none = No refund waiting.
refund-refund_id = Provider's refund id
refund-mark_initiated = Refund sent
refund-mark_completed = Refund received by the customer
refund-saved = Refund updated.
refund-status-REFUND_REQUIRED = Refund required
refund-status-REFUND_INITIATED = Refund initiated
refund-status-REFUND_COMPLETED = Refund completed

## commission

commission-status-NONE = None
commission-status-PENDING = Pending
commission-status-CONFIRMED = Confirmed
commission-status-CANCELLED = Cancelled
commission-csv = Download as CSV
commission-bookings = Orders with a code
commission-referrer_total = Referrers earned
commission-admin_total = Platform earned
commission-referrer_pending = Pending for referrers
commission-discounts = Discounts given
commission-payable = Payable per referrer
commission-code = Code
commission-referrer = Referrer
commission-confirmed_bookings = Confirmed orders
commission-payable_amount = Payable
commission-lines = Orders
commission-referrer_share = Referrer
commission-admin_share = Platform

## error

error-quantity_invalid = Type a whole number.
error-quantity_too_small = Order at least one.
error-quantity_too_large = That is more than one order allows.
error-sold_out = Sold out.
error-not_enough_places = Not enough places left for that many; try fewer.
error-date_invalid = Give a date like 2026-12-24.
error-date_past = This date has passed.
error-dates_reversed = The end must come after the start.
error-dates_taken = These dates are already booked.
error-stay_too_long = A stay lasts a year at most.
error-sales_not_open = Sales have not opened yet.
error-sales_closed = Sales are closed.
error-event_started = This event has already started.
error-referral_invalid = Unknown or expired referral code.
error-order_not_payable = This order is not waiting for a payment.
error-order_not_cancellable = This order can no longer be cancelled.
error-cancel_reason_required = Give the reason: the buyer will read it.
error-refund_id_invalid = Give the provider's refund reference (100 characters at most).
error-refund_not_required = No refund is waiting on this order.
error-refund_not_initiated = This refund has not been sent yet.
error-tickets_not_issued = No e-ticket has been issued for this order yet.
error-kind_invalid = Choose event or stay.
error-title_invalid = Give a title (200 characters at most).
error-slug_invalid = Use lower-case letters, digits and single hyphens.
error-slug_taken = Another event already uses this address.
error-datetime_invalid = Give a date and time.
error-event_dates_required = An event needs a start and an end.
error-number_invalid = Type a whole number.
error-number_out_of_range = This number is out of range.
error-capacity_below_sold = Capacity cannot go below the places already sold.

## order

order-notifications = Messages sent
order-channel = Channel
order-message = Message
order-recipient = To
order-attempts = Attempts

## whatsapp

whatsapp-confirm = Confirm
whatsapp-cancel = Cancel
whatsapp-owner_request = New paid booking { $reference } for { $title }: { $guest } ({ $phone }), { $guests } person(s), { $check_in } → { $check_out }, { $total } (paid { $paid }, { $balance } due on arrival). Confirm or cancel within { $minutes } minutes.
whatsapp-tickets_issued =
    🎫 { $title }: your booking { $reference } is confirmed. Your e-tickets:
    { $links }
    Show the QR code at the entrance.

## api

api-refund_requested = Refund request created
api-refund_initiated = Refund marked as initiated
api-refund_completed = Refund marked as completed

## mail

mail-order_created-subject = Order { $reference }: { $title }
mail-order_created-body =
    Hello { $name },

    Your order { $reference } for { $title } is registered. Amount to pay: { $total }.

    Pay by mobile money and send the proof on your order page (keep this link, it is personal):
    { $link }

    — Tessera
mail-tickets_issued-subject = Your e-tickets for { $title }
mail-tickets_issued-body =
    Hello { $name },

    Your order { $reference } is confirmed. Your e-tickets (one link each):
    { $links }

    Show the QR code at the entrance, with an identity document.

    — Tessera
mail-owner_request-subject = Booking { $reference } to confirm: { $title }
mail-owner_request-body =
    Hello { $owner },

    New paid booking for { $title }:
    Guest: { $guest } ({ $phone }), { $guests } person(s)
    Arrival: { $check_in } — Departure: { $check_out }
    Amount: { $total }
    Paid: { $paid } — due on arrival: { $balance }

    Confirm: { $confirm }
    Cancel: { $cancel }

    These links work once, for { $minutes } minutes.

    — Tessera
mail-order_cancelled-subject = Order { $reference } cancelled
mail-order_cancelled-body =
    Hello { $name },

    Your order { $reference } for { $title } was cancelled; no payment had been received.

    — Tessera
mail-order_cancelled_refund-subject = Order { $reference } cancelled: refund on its way
mail-order_cancelled_refund-body =
    Hello { $name },

    Your order { $reference } for { $title } was cancelled. You will be refunded { $amount }; the refund reaches your account within 5 to 7 business days.

    — Tessera
mail-refund_initiated-subject = Refund sent for { $reference }
mail-refund_initiated-body =
    Hello { $name },

    We have sent the refund of { $amount } for your order { $reference }.

    — Tessera
mail-refund_completed-subject = Refund completed for { $reference }
mail-refund_completed-body =
    Hello { $name },

    The refund of { $amount } for your order { $reference } is complete.

    — Tessera
mail-refund_required-subject = Refund to make: { $reference }
mail-refund_required-body =
    Order { $reference } ({ $title }) was cancelled after payment. Record the refund on /admin/refunds.

    — Tessera
mail-payment_stuck-subject = Payment pending for { $minutes } minutes: { $reference }
mail-payment_stuck-body =
    Order { $reference } for { $title } has waited { $minutes } minutes for payment.
    Guest: { $guest } ({ $phone })
    Amount: { $total }

    Please check and contact the customer if needed.

    — Tessera

## nav

nav-billing = Billing

## error

error-manager_only = Only the family manager can do this.
error-card_unavailable = Card payment is not available right now. Try again later or pay by mobile money.
error-card_currency = The card gateway does not accept this currency.
error-pay_with_invalid = Choose how to pay.
error-wallet_insufficient = Your wallet balance is too low for this plan. Top it up or choose another way to pay.

## billing

billing-title = Billing
billing-line_subscription = { $plan } subscription, { $days } days
billing-line_order = Order { $reference }: { $title }
billing-line_topup = Wallet top-up
billing-sandbox_declined = Declined in the sandbox
billing-trial_left = Trial: { $days } days left
billing-days_left = { $days } days left in this period
billing-trial_progress = Trial days used
billing-period_end = Period ends
billing-plans = Plans
billing-days = { $days } days
billing-choose = Choose this plan
billing-manager_only = Only the family manager can subscribe, top up the wallet and read invoices.
billing-wallet = Family wallet
billing-wallet_empty = The wallet is empty.
billing-topup_amount = Amount to add
billing-currency = Currency
billing-topup = Top up by card
billing-date = Date
billing-what = Description
billing-amount = Amount
billing-wallet_kind-TOPUP = Top-up
billing-wallet_kind-PAYMENT = Payment
billing-wallet_kind-REFUND = Refund
billing-history = Payment history
billing-no_payments = No payments yet.
billing-reference = Reference
billing-status = Status
billing-invoice = Invoice
billing-invoices = Invoices
billing-no_invoices = No invoices yet.
billing-payment_status-PENDING = Waiting
billing-payment_status-PROCESSING = Being processed
billing-payment_status-COMPLETED = Paid
billing-payment_status-FAILED = Failed
billing-payment_status-CANCELLED = Cancelled
billing-payment_status-REFUNDED = Refunded
billing-status-TRIALING = Trial
billing-status-ACTIVE = Active
billing-status-PAST_DUE = Past due
billing-status-EXPIRED = Expired
billing-status-CANCELLED = Cancelled
billing-subscribe_title = Subscribe
billing-duration = Duration
billing-pay_with = Pay with
billing-pay_card = Card
billing-pay_wallet = Family wallet balance
billing-pay_mobile_money = Mobile money (send a proof)
billing-card_note = Card details are typed on the payment provider's page, never on Tessera.
billing-continue = Continue
billing-result-completed = Payment received
billing-result-failed = The payment did not go through
billing-result-review = The payment is being checked by our team
billing-result-waiting = Waiting for the payment provider
billing-result-refreshing = This page refreshes by itself.
billing-failure_reason = Reason
billing-back = Back to billing
billing-sandbox_badge = Sandbox
billing-sandbox_title = Test checkout
billing-sandbox_intro = No card is charged here. Choose what the payment provider answers.
billing-sandbox_success = Pay successfully
billing-sandbox_fail = Decline the payment
billing-sandbox_delay = Pay after a delay

## invoice

pdf-page = Page
invoice-title = Invoice
invoice-issued = Issued
invoice-payment = Payment
invoice-seller = Seller
invoice-buyer = Billed to
invoice-description = Description
invoice-quantity = Qty
invoice-unit = Unit price
invoice-amount = Amount
invoice-subtotal = Subtotal
invoice-tax = Tax
invoice-total = Total
invoice-paid = Paid in full. Thank you.

## mail

mail-billing_paid-subject = Payment received: { $reference }
mail-billing_paid-body =
    Hello { $name },

    We received your payment { $reference } of { $amount } ({ $description }).
    Invoice: { $invoice } (attached)
    Subscription runs until: { $end }

    Your billing page: { $url }/billing

    — Tessera
mail-billing_failed-subject = Payment failed: { $reference }
mail-billing_failed-body =
    Hello { $name },

    Your payment { $reference } of { $amount } did not go through ({ $reason }). Nothing was charged and your subscription is unchanged.

    Try again: { $url }/billing

    — Tessera
mail-billing_review-subject = Payment to check: { $reference }
mail-billing_review-body =
    The gateway's report for payment { $reference } does not match: { $reason }. The payment was not applied; please check it on { $url }/admin/payments.

    — Tessera
mail-trial_reminder-subject = Your trial ends in { $days } days
mail-trial_reminder-body =
    Hello { $name },

    Your family's trial ends on { $end } ({ $days } days left). Choose a plan to keep going: { $url }/billing

    — Tessera

## admin

admin-payments = Payments ledger
admin-all = All
admin-provider = Gateway
admin-purpose = Purpose
admin-purpose-SUBSCRIPTION = Subscription
admin-purpose-TOPUP = Wallet top-up
admin-group = Group by
admin-group-day = day
admin-group-week = week
admin-group-month = month
admin-needs_review = Needs review
admin-export_csv = Export CSV
admin-refund_done = Refund recorded.
admin-payments_per_period = Payments per period
admin-analytics = Analytics
admin-success_rate = Success rate
admin-failure_rate = Failure rate
admin-volume = Net volume
admin-period = Period
admin-ledger = Payments
admin-no_payments = No payments match.
admin-refunded = Refunded
admin-refund = Refund
admin-refund_to = Refund to
admin-refund_card = The original card
admin-subscriptions = Subscriptions
admin-subscription_changed = Subscription changed.
admin-change = Change
admin-sub-extend = Extend by days
admin-sub-change_plan = Change plan
admin-sub-cancel = Cancel
admin-days = Days
admin-apply = Apply

## error

error-destination_invalid = Choose where the refund goes.
error-refund_destination = This payment goes back where it came from: a top-up to the card, a payment from the wallet to the wallet, an order to the card.
error-payment_in_flight = This payment may still be paid at the gateway or is under review: it cannot be deleted.
error-refund_not_completed = Only a completed payment can be refunded.
error-refund_too_much = The refund must be more than zero and no more than what is left to refund.
error-wallet_spent = The wallet no longer holds this amount: it has been spent.
error-days_invalid = Enter a number of days between 1 and 3660.
error-action_invalid = Choose an action.
error-subscription_unchanged = Nothing to change: the family has no subscription in that state.
error-payment_not_open = This payment is no longer waiting for confirmation.
error-transition_invalid = A payment cannot move to that status from its current one.
error-payment_kept = Payments that took money stay in the ledger; refund them instead.

## api

api-payment_created = Payment created: continue at the checkout address.
api-payment = Payment.
api-payments = Payments.
api-payment_confirmed = Payment confirmed.
api-payment_updated = Payment updated.
api-payment_deleted = Payment deleted.
api-analytics = Payment analytics.

## order

order-pay_card_title = Pay by card
order-pay_card_intro = Pay securely on the payment provider's page:
order-pay_card = Pay by card
order-card_failed = The card payment did not go through. Nothing was charged; you can try again or pay by mobile money.

## api

api-token_created = Token created.
api-unauthorized = A valid bearer token is required.

## error

error-organiser_disconnected = The organiser's card account is disconnected. Pay by mobile money, or try again later.
error-purpose_invalid = Unknown payment purpose.
error-refund_refused = The payment provider refused the refund; the admins have been told and nothing was recorded.

## admin

admin-refund_pending = The payment provider could not be reached: the refund will be asked again and recorded once accepted.

## mail

mail-payment_expired-subject = Payment never verified: { $reference }
mail-payment_expired-body =
    Payment { $reference } ({ $description }) was still unverified after { $minutes } minutes: it has expired and what it held is back on sale. Check the provider's dashboard on { $url }/admin/verification.

    — Tessera
mail-refund_failed-subject = CRITICAL: refund refused for { $reference }
mail-refund_failed-body =
    The provider did not accept the refund of { $amount } for payment { $reference }: { $reason }. Nothing was recorded; refund it from the provider's dashboard or try again on { $url }/admin/payments.

    — Tessera

## admin

admin-verification = Payment verification
admin-sumup = SumUp account
admin-event_deposit = Deposit to book
admin-event_deposit_hint = A share such as 30% or an amount; the rest is paid on arrival. Empty: paid in full when booking.

## error

error-deposit_invalid = Give a share such as 30% or an amount.
error-payment_not_in_review = This payment is not waiting for a review.

## events

events-deposit = Deposit
events-deposit_rest = to book; the rest on arrival

## order

order-balance_on_arrival = The rest, on arrival:
order-card_continue = Continue my card payment
order-card_open = A card payment for this order is already under way: finish it rather than starting another one.
order-processing_title = Processing your payment…
order-processing_text = We are confirming your card payment with the payment provider. Your e-tickets are e-mailed as soon as it is confirmed.
order-processing_refresh = This page updates itself; you can also come back later with the link in your e-mail.

## sumup

sumup-title = Card payments with SumUp
sumup-intro = Connect your own SumUp account: card payments for the events you organise go straight to it. Tessera confirms each payment with SumUp before it issues tickets.
sumup-unavailable = SumUp is not set up on this Tessera (SUMUP_CLIENT_ID and SUMUP_CLIENT_SECRET).
sumup-sandbox = Sandbox: a SumUp stand-in built into Tessera, nothing is charged
sumup-connected = Connected to the SumUp merchant
sumup-disconnect = Disconnect
sumup-reconnect_needed = Your SumUp connection stopped working. Card payments for your events wait until you reconnect; orders already paid are not affected.
sumup-reconnect = Reconnect SumUp
sumup-not_connected = No SumUp account is connected yet.
sumup-connect = Connect SumUp
sumup-connected_now = Your SumUp account is connected.
sumup-disconnected_now = Your SumUp account is disconnected.
sumup-declined = You did not allow Tessera on SumUp: nothing was connected.
sumup-refused = SumUp refused the connection; please try again.
sumup-unreachable = SumUp could not be reached; please try again in a moment.
sumup-state_refused = This connection request was not started here, or was already used: nothing was connected.

## sumup_sandbox

sumup_sandbox-badge = Sandbox — a SumUp stand-in, nothing is charged
sumup_sandbox-authorize_title = Allow Tessera to take payments?
sumup_sandbox-authorize_intro = Tessera asks to create checkouts and read payments for the sandbox merchant:
sumup_sandbox-allow = Allow
sumup_sandbox-deny = Deny
sumup_sandbox-pay_title = SumUp checkout (sandbox)
sumup_sandbox-pay_intro = No card is asked for: choose what happens.
sumup_sandbox-merchant = Merchant
sumup_sandbox-pay = Pay
sumup_sandbox-decline = Decline the card
sumup_sandbox-later = Leave it pending

## verification

verification-title = Payment verification
verification-intro = Card payments are confirmed by asking their provider, never on the strength of a redirect. A cycle checks the payments that are due, oldest first; a buyer waiting on their order's page is checked every few seconds.
verification-ran = A cycle ran.
verification-paused_now = Polling is paused: no provider is asked until you resume. Webhooks still apply.
verification-resumed_now = Polling resumed.
verification-resolved = Done; recorded in the audit log.
verification-paused = Polling paused
verification-running = Polling running
verification-last_good = Last good cycle
verification-waiting = Waiting
verification-oldest = Oldest waiting
verification-review = To review
verification-run_now = Run a cycle now
verification-pause = Pause polling
verification-resume = Resume polling
verification-review_title = Payments to review
verification-none = None.
verification-expected = Expected
verification-reported = Provider reported
verification-why = Why
verification-reason = Your reason (kept in the audit log)
verification-complete = Complete: the money arrived
verification-fail = Mark it failed
verification-waiting_title = Waiting for their provider
verification-age = Waiting for
verification-checks = Checks
verification-cycles_title = Recent cycles
verification-when = When
verification-checked = Checked
verification-settled = Settled
verification-failed = Failed
verification-expired = Expired
verification-errors = Errors
verification-duration = Duration
verification-kind-scheduled = scheduled
verification-kind-manual = run by hand

## mail

mail-sumup_reconnect-subject = Reconnect your SumUp account
mail-sumup_reconnect-body =
    Hello { $name },

    Your SumUp connection stopped working, so card payments for your events wait until you reconnect it. Orders already paid are not affected.

    Reconnect: { $url }

    — Tessera
mail-sumup_disconnected-subject = SumUp disconnected for { $organiser }
mail-sumup_disconnected-body =
    SumUp refused to renew the connection of { $organiser }: { $reason }. Their card payments wait until they reconnect on { $url }. No order was changed.

    — Tessera
mail-alert_test-subject = Test alert from Tessera
mail-alert_test-body =
    This is a test alert sent by `tessera alerts test` from instance { $instance } at { $at }. If you read it, alerts reach you.

    — Tessera
mail-tickets_sent-subject = E-ticket sent: { $reference }
mail-tickets_sent-body =
    Hello { $owner },

    { $guest } has received the e-ticket for booking { $reference } ({ $title }). Show them in with it on arrival.

    — Tessera
mail-tickets_sent_admin-subject = E-ticket sent for { $reference }
mail-tickets_sent_admin-body =
    The owner confirmed booking { $reference } ({ $title }) and { $guest } has received the e-ticket.

    — Tessera

## error

error-checkout_open = A card payment for this order is being opened; try again in a moment.

## Spreadsheet exports
csv-yes = Yes
csv-no = No

## MTN Mobile Money: what a refusal means to the payer
momo-reason-payer_not_found = This number has no MTN Mobile Money account. Check the number and try again.
momo-reason-not_enough_funds = There is not enough money on this Mobile Money account. Top it up, then try again.
momo-reason-rejected = The payment was declined on the phone.
momo-reason-expired = The payment was not approved in time. Try again and approve it on your phone.
momo-reason-limit = This account has reached its Mobile Money limit. Try a smaller amount or another number.
momo-reason-invalid_amount = Mobile Money does not take this amount or currency.
momo-reason-failed = Mobile Money could not take the payment. Try again in a moment.
momo-reason-unavailable = Mobile Money cannot be reached right now. Try again in a few minutes.

## Paying from the phone
billing-pay_phone = Pay from my phone (MTN Mobile Money or Orange Money)
phone-orange_open = Confirm the payment with your Orange Money code on Orange's page.
phone-orange_go = Open the Orange Money page
phone-notch_open = Finish the payment on the Notch Pay page (MTN Mobile Money or Orange Money); you come back here afterwards.
phone-notch_go = Open the payment page
orange_sandbox-badge = Sandbox — an Orange Money stand-in, nothing is charged
orange_sandbox-title = Orange Money payment
orange_sandbox-intro = In the demo this page plays Orange's: confirm as the payer would with their code, or decline.
orange_sandbox-confirm = Confirm the payment
orange_sandbox-decline = Decline
phone-number_label = Mobile Money number
phone-number_hint = The phone that approves the payment, e.g. 6 77 12 34 56.
phone-page_title = Approve on your phone
phone-title_waiting = Approve the payment on your phone
phone-title_paid = Payment received
phone-title_failed = The payment was not made
phone-title_review = We are checking this payment
phone-asked = A request for { $amount } was sent to { $number } ({ $operator }).
phone-dial = Approve it on your phone (dial { $code } if no prompt appears).
phone-time_left = Time left to approve:
phone-refreshing = This page updates by itself; you can leave it open.
phone-paid = Thank you: the payment is received and your subscription is extended.
phone-review = The operator reported a payment that differs from what was asked. An administrator checks it; nothing more is asked of you.
phone-number = Number
phone-back_order = Back to the order
order-pay_phone_title = Pay from my phone
order-pay_phone_intro = MTN Mobile Money or Orange Money: we send a payment request to your phone, you approve it there. Amount:
phone-paid_order = Thank you: the payment is received and your order is paid. Your e-tickets are on the order page and in your e-mail.
order-pay_phone = Send the request to my phone
order-phone_open = A payment from your phone is under way.
order-phone_continue = See the payment
phone-retry = Try again
phone-sandbox_badge = Sandbox — an MTN stand-in, nothing is charged
phone-sandbox_title = Demo phone
phone-sandbox_intro = In the demo this box plays the payer's phone: choose what the payer does.
phone-sandbox_approve = Approve the payment
phone-sandbox_decline = Decline
phone-sandbox_no_funds = Not enough money
error-wallet_not_cameroon = Enter a Cameroonian MTN or Orange number, e.g. 6 77 12 34 56.
error-wallet_operator_unknown = This number is neither MTN nor Orange: MTN numbers start with 67, 650–654 or 680–684; Orange numbers with 69, 655–659 or 685–689.
error-wallet_mtn_unavailable = Paying from an MTN phone is not available here yet. Choose another way to pay.
error-wallet_orange_unavailable = Paying from an Orange Money phone is not available here yet. Choose another way to pay, or send a proof of an Orange Money transfer.
error-payment_not_failed = This payment is still going on or already made: there is nothing to try again.

## Operator statements
statement-title = Operator statements
statement-intro = Upload the merchant statement you exported from MTN MoMo or Orange Money (CSV or Excel). Each line is matched to the tickets families sent and the orders waiting for their money, first by transaction id, then by amount and phone number; you approve the sure matches in one click and decide the others. Importing the same lines again changes nothing.
statement-operator = Operator
statement-file = Statement file
statement-file_hint = CSV or Excel (.xlsx), 20 MB at most.
statement-import = Import the statement
statement-reading = Reading the statement…
statement-columns = Columns of the file
statement-columns_hint = The names of the columns as they appear in the file's first row. They are remembered for the next import.
statement-col_transaction_id = Transaction id column
statement-col_amount = Amount column
statement-col_phone = Payer's number column
statement-col_date = Date column
statement-status_column = Status column (optional)
statement-status_ok = Status of a successful payment
statement-sample = Demo: no operator account? Download a statement that pays this operator's pending tickets, then import it.
statement-sample_link = Download a sample statement
statement-imports = Imports
statement-none = No statement imported yet.
statement-imported_at = Imported
statement-lines = Lines
statement-lines_new = { $new } new lines out of { $read } (the others were already imported)
statement-approved = Approved
statement-s-confident = Sure matches
statement-s-ambiguous = To decide
statement-s-approved_before = Already used
statement-s-unmatched = Unknown payments
statement-s-done = Done
statement-h-confident = One pending ticket or order has this line's transaction id, or its amount and phone number.
statement-h-ambiguous = Several tickets or orders could be this payment, or the amounts differ: choose one, or set the line aside.
statement-h-approved_before = This transaction id belongs to a ticket or order already paid: the same payment is not approved twice.
statement-h-unmatched = Money received that no ticket or order declares. Type its reference if you know whose it is.
statement-h-done = Lines approved or set aside.
statement-empty_section = Nothing here.
statement-sections = Sections of the statement
statement-line = Statement line
statement-ticket = Ticket or order
statement-ticket_reference = Ticket or order reference
statement-decision = Decision
statement-by-TRANSACTION_ID = Same transaction id
statement-by-AMOUNT_AND_PHONE = Same amount and phone
statement-used_twice = Transaction id already used
statement-no_ticket = Nothing declared
statement-state-APPROVED = Approved
statement-state-DISMISSED = Set aside
statement-state-OPEN = Open
statement-dismiss = Set aside
statement-approve_all = { $count ->
    [one] Approve the sure match
   *[other] Approve the { $count } sure matches
}
statement-approving = Approving: { $done } approved, { $left } to go…
statement-done_approved = The sure matches are approved: subscriptions extended, orders paid.
statement-done_resolved = The payment is approved.
statement-done_dismissed = The line is set aside.
statement-error_empty = The file is empty.
statement-error_column = The file has no column named “{ $column }”. Check the columns below.
statement-error_unreadable = The file cannot be read as CSV or Excel.
statement-error_operator = Choose MTN MoMo or Orange Money.
statement-error_file = Choose the statement file.
statement-error_too_large = The file is larger than 20 MB.
statement-error_unpacked = The spreadsheet is too large once unpacked (200 MB at most). Export a shorter period, or as CSV.
statement-error_mapping = Name the transaction id, amount, phone and date columns.
statement-error_no_lines = The file has no successful incoming payment.
statement-error_line_done = This line was already decided, or its ticket was paid by another line.
statement-error_ticket = No ticket or order has this reference.
statement-error_ticket_operator = This was paid with another operator.
statement-error_ticket_amount = The amount due is not the line's amount.
pay-phone_offer = No screenshot needed: pay from your phone with MTN Mobile Money or Orange Money, approve on the phone, and the subscription follows at once.
pay-phone_offer_link = Pay from my phone instead
admin-phone_accounts = Mobile money accounts
phone_settings-title = Paying from the phone: your operator accounts
phone_settings-intro = Enter your own MTN Mobile Money, Orange Money or Notch Pay account: payments from the phone for the events you organise go straight to it, and Tessera confirms each one with the operator. Credentials are stored encrypted and never shown again.
phone_settings-fallback_site = Without an account of your own, payments from the phone for your events go to this site's account.
phone_settings-fallback_none = Without an account of your own, your events cannot be paid from the phone: this site has no operator account.
phone_settings-environment = Where payments go
phone_settings-env-builtin = Built-in sandbox (demo: nothing is charged)
phone_settings-env-sandbox = The operator's sandbox (test credentials)
phone_settings-env-live = Live (real money)
phone_settings-working = Connection works: payments from the phone for your events go to this account.
phone_settings-problem-CREDENTIALS = The operator refused these credentials. Payments for your events go to this site's account, if it has one, until you correct them.
phone_settings-problem-UNREACHABLE = The operator could not be reached just now; the account stays in use. Check again in a moment.
phone_settings-problem-REFUSED = The operator refused the connection: check where payments go and the credentials.
phone_settings-not_set = No account yet.
phone_settings-checked_at = checked
phone_settings-save = Save and check connection
phone_settings-check = Check connection
phone_settings-remove = Remove this account
phone_settings-remove_question = Remove the account? Its credentials are forgotten, and payments from the phone for your events go to this site's account, if it has one.
phone_settings-remove_confirm = Remove the account
phone_settings-keep_secret = Leave blank to keep the one stored.
phone_settings-builtin_hint = In the built-in sandbox, the API user or client id is tessera-sandbox and every key is sandbox.
phone_settings-webhook = In Notch Pay's dashboard, send this account's webhooks to:
phone_settings-saved = Saved, and the connection was checked: see below.
phone_settings-checked = The connection was checked again: see below.
phone_settings-removed = The account was removed.
phone_settings-api_user = API user
phone_settings-api_key = API key
phone_settings-subscription_key = Subscription key (Ocp-Apim-Subscription-Key)
phone_settings-client_id = Client ID
phone_settings-client_secret = Client secret
phone_settings-merchant_key = Merchant key
phone_settings-public_key = Public key
phone_settings-hash_key = Hash key (signs the webhooks)
error-credential_required = Enter this credential.
error-credential_invalid = A credential has no spaces and at most 200 characters.
error-builtin_unavailable = The built-in sandbox exists only in the demo: choose the operator's sandbox or live.
error-environment_invalid = Choose where payments go.
eticket-door_code = Door code
checkin-reason-NOT_A_CODE = This is neither a ticket's QR code nor its door code: check what was typed.
checkin-reason-UNKNOWN = No ticket has this code: it may be mistyped, or the ticket is not one of ours.
checkin-reason-VOID = This ticket was refunded or cancelled: it lets no one in.
checkin-reason-OTHER_EVENT = This ticket is for another event than this door's (named below).
checkin-place = Door:
checkin-event = Event at this door
checkin-any_event = Any event
checkin-gate = Gate
checkin-gate_hint = Optional, like "North gate": check-ins are counted per gate.
checkin-set_place = Set the door
checkin-gates = Checked in per gate
checkin-no_gate = No gate named
checkin-switch_camera = Switch camera
checkin-torch = Torch
checkin-camera_off = Stop the camera
door-offline-not_registered = This phone has not downloaded this event's check-in list: download it again.
door-offline-revoked = This phone was revoked by staff: it can no longer check anyone in.
door-offline-expired = This event is over: its check-in list can no longer be downloaded.
checkin-offline-title = Offline
checkin-offline-download = Download the check-in list for offline use
checkin-offline-ready = Ready offline:
checkin-offline-tickets = tickets, until
checkin-offline-queued = Scans waiting to be sent:
checkin-offline-online = Online
checkin-offline-offline = No network: answering from this phone's list
checkin-offline-answered = Answered offline, from this phone's list.
checkin-offline-device = Door phone
checkin-offline-hint = Download the list before the doors open: with no network, this phone answers each scan from it and sends the scans when the network returns.
checkin-offline-pick_event = Set the door to one event to use it offline.
checkin-offline-conflicts = Conflicts
checkin-offline-conflict = checked in first at
checkin-offline-yours = your scan at
checkin-offline-wiped = This phone's check-in list was deleted.
checkin-install = Install the door app
checkin-devices = Phones with this event's list
checkin-device-list_at = List downloaded
checkin-device-synced_at = Last sync
checkin-device-revoke = Revoke
checkin-device-revoked = Revoked
checkin-revoked_done = The phone was revoked and signed out.
checkin-staff = Staff

# An event's door team
door_team-title = Door team
door_team-help = The people who may check guests in at this event's door, and only this event's. They sign in with their own account; the door is in their menu.
door_team-empty = Nobody yet: only staff and admins work this door.
door_team-email = E-mail of their account
door_team-email_hint = They register first at /register, then you add them here.
door_team-add = Add to the door team
door_team-remove = Remove
door_team-added = Added to the door team.
door_team-removed = Removed from the door team; their phones for this event were revoked.
door_team-no_account = No account uses this e-mail. Ask them to register first, then add them.
