-- Who an account is for decides the plans it is offered: a family the family plans (francs,
-- mobile money or card), an organisation the business plans (dollars, by card).
ALTER TABLE families
    ADD COLUMN kind text NOT NULL DEFAULT 'family' CHECK (kind IN ('family', 'organisation'));
ALTER TABLE plans
    ADD COLUMN audience text NOT NULL DEFAULT 'family' CHECK (audience IN ('family', 'organisation'));
UPDATE plans SET audience = 'organisation' WHERE code IN ('STARTER', 'TEAM', 'ENTERPRISE');
-- Accounts already on a business plan are organisations.
UPDATE families f SET kind = 'organisation'
  FROM subscriptions s JOIN plans p ON p.code = s.plan_code
 WHERE s.family_id = f.id AND p.audience = 'organisation';
