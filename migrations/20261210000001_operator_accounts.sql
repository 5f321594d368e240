-- Organisers' own mobile-money accounts (MTN MoMo, Orange Money, Notch Pay), beside their SumUp
-- connection: the credentials are one sealed JSON document (XChaCha20-Poly1305 under
-- TESSERA_ENCRYPTION_KEY), never stored in the clear; `merchant_code` holds the account's
-- public name (MTN's API user, Orange's client id, the end of Notch Pay's key).
ALTER TABLE provider_accounts DROP CONSTRAINT provider_accounts_provider_check;
ALTER TABLE provider_accounts ADD CONSTRAINT provider_accounts_provider_check
    CHECK (provider IN ('sumup', 'mtn_momo', 'orange_money', 'notchpay'));
ALTER TABLE provider_accounts
    ADD COLUMN credentials bytea,
    -- builtin: Tessera's own sandbox (demo); sandbox: the operator's test platform; live.
    ADD COLUMN environment text CHECK (environment IN ('builtin', 'sandbox', 'live')),
    ADD COLUMN checked_at  timestamptz,
    -- What the last "check connection" met (CREDENTIALS, UNREACHABLE, REFUSED); NULL when it
    -- worked. Removing an account forgets its credentials (NULL); payments keep pointing at it.
    ADD COLUMN check_error text,
    ADD CONSTRAINT provider_accounts_operator_shape CHECK (
        provider = 'sumup' OR environment IS NOT NULL);
