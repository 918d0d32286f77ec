-- npm run dev's data set: small, generated and obviously fake, loaded after app/sql/schema.sql
-- into the local stage's empty database. Never real people: names say "Fake", addresses use the
-- reserved .invalid domain and Example Street, phone numbers are in the 555-01xx fiction range,
-- and no password hash can log anyone in. A team that replaces schema.sql replaces this too.
insert into users (email, full_name, phone, street_address, city, postal_code, password_hash)
select
  'fake.user' || g || '@example.invalid',
  'Fake User ' || g,
  '+1 555 01' || lpad(g::text, 2, '0'),
  g || ' Example Street',
  'Exampleville',
  '00000',
  '!local-fake-no-login'
from generate_series(1, 20) g;

insert into orders (user_id, total_cents, shipping_address)
select u.id, 100 * (u.id + n), u.street_address || ', Exampleville'
from users u cross join generate_series(1, 2) n;

insert into sessions (id, user_id, expires_at)
select 'fake-session-' || u.id, u.id, now() + interval '1 day' from users u where u.id % 4 = 0;

insert into api_tokens (user_id, token_hash)
select u.id, 'fake-token-hash-' || u.id from users u where u.id % 5 = 0;
