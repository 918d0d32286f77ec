-- The sample app's tables: enough personal data and foreign keys to show what sanitizing
-- production data for lower stages has to handle. A team replaces this with its own schema.
create table if not exists users (
  id bigserial primary key,
  email text not null unique,
  full_name text not null,
  phone text,
  street_address text,
  city text,
  postal_code text,
  password_hash text not null,
  created_at timestamptz not null default now()
);

create table if not exists orders (
  id bigserial primary key,
  user_id bigint not null references users (id),
  total_cents integer not null,
  shipping_address text,
  created_at timestamptz not null default now()
);

create table if not exists sessions (
  id text primary key,
  user_id bigint not null references users (id),
  expires_at timestamptz not null
);

create table if not exists api_tokens (
  id bigserial primary key,
  user_id bigint not null references users (id),
  token_hash text not null
);

create index if not exists orders_user_id on orders (user_id);
create index if not exists sessions_user_id on sessions (user_id);
create index if not exists api_tokens_user_id on api_tokens (user_id);
