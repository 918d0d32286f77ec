-- Sanitizes data restored from production before a lower stage serves it. Runs once per data
-- generation inside one transaction (see app/src/sanitize.ts). Keeps every id, so row counts
-- and foreign keys hold; replaces personal data with fakes derived from the id; makes every
-- password hash unusable; deletes sessions and tokens. Override with SANITIZE_SQL_FILE.

update users set
  email = 'user' || id || '@example.invalid',
  full_name = 'User ' || id,
  phone = case when phone is null then null else '+1555' || lpad((id % 10000000)::text, 7, '0') end,
  street_address = case when street_address is null then null else id || ' Example Street' end,
  city = case when city is null then null else 'Exampleville' end,
  postal_code = case when postal_code is null then null else '00000' end,
  -- No hash format verifies against "!": nobody can log in with a production password.
  password_hash = '!sanitized';

update orders set
  shipping_address = case when shipping_address is null then null else id || ' Example Street' end;

delete from sessions;
delete from api_tokens;
