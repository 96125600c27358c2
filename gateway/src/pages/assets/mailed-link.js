// The page behind a link Kabinet mails: on the button, it sends the link's token (or the typed
// address) to the public GraphQL API, same origin and JSON as any client does, and says what came of it.

const config = JSON.parse(document.getElementById('page-config').textContent);
const { text } = config;
const form = document.getElementById('action-form');
const status = document.getElementById('status');
const nextStep = document.getElementById('next-step');
const email = document.getElementById('email');
const newPassword = document.getElementById('new-password');
const repeatPassword = document.getElementById('repeat-password');
const token = new URLSearchParams(window.location.search).get('token') ?? '';

/** Errors after which the link is spent; any other stays on the form to try again. */
const finalErrors = ['INVALID_TOKEN', 'TOKEN_EXPIRED'];

const operations = {
  confirmEmail: () => ({
    query: 'mutation ConfirmEmail($input: ConfirmEmailInput!) { confirmEmail(input: $input) { user { email } } }',
    input: () => ({ token }),
    shownEmail: (data) => data.confirmEmail.user.email,
  }),
  resetPassword: () => ({
    query: 'mutation ResetPassword($input: ResetPasswordInput!) { resetPassword(input: $input) { ok } }',
    input: passwordInput,
    shownEmail: () => '',
  }),
  requestPasswordReset: () => ({
    query: 'mutation RequestPasswordReset($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { ok } }',
    input: emailInput,
    shownEmail: (_data, input) => input.email,
  }),
  confirmEReceipts: () => ({
    query: `mutation ConfirmEReceipts($input: ConfirmEReceiptsInput!) { confirmed: ${config.field}(input: $input) { subscription { email } } }`,
    input: () => ({ token }),
    shownEmail: (data) => data.confirmed.subscription.email,
  }),
};
const operation = operations[config.action]();

function show(message, tone) {
  status.textContent = message;
  status.dataset.tone = tone;
}

/** The outcome is final: the form goes, the outcome takes the focus. */
function finish(message, tone) {
  form.hidden = true;
  show(message, tone);
  if (tone === 'error' && nextStep) nextStep.hidden = false;
  status.focus();
}

function refuse(field, message) {
  field.setAttribute('aria-invalid', 'true');
  show(message, 'error');
  field.focus();
  field.select();
  return null;
}

/** The reset form's input, or null when the two passwords cannot be sent yet. */
function passwordInput() {
  for (const field of [newPassword, repeatPassword]) field.removeAttribute('aria-invalid');
  if (newPassword.value === '') return refuse(newPassword, text.passwordMissing);
  if (repeatPassword.value !== newPassword.value) return refuse(repeatPassword, text.passwordsDiffer);
  return { token, newPassword: newPassword.value };
}

function emailInput() {
  email.removeAttribute('aria-invalid');
  const address = email.value.trim();
  return address === '' ? refuse(email, text.emailMissing) : { email: address };
}

/** `{ data }`, or `{ code }` of the first error (`UNREACHABLE` when no answer came). */
async function callApi(query, variables) {
  try {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = await response.json();
    if (body.errors?.length) return { code: body.errors[0].extensions?.code };
    return body.data ? { data: body.data } : { code: 'UNREACHABLE' };
  } catch {
    return { code: 'UNREACHABLE' };
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (form.getAttribute('aria-busy') === 'true') return;
  const input = operation.input();
  if (!input) return;
  form.setAttribute('aria-busy', 'true');
  show(text.working, 'info');
  const { data, code } = await callApi(operation.query, { input });
  form.removeAttribute('aria-busy');
  if (data) return finish(text.success.replace('{email}', operation.shownEmail(data, input)), 'success');
  const message = Object.hasOwn(text.errors, code) ? text.errors[code] : text.unexpected;
  if (code === 'WEAK_PASSWORD') return refuse(newPassword, message);
  if (finalErrors.includes(code)) return finish(message, 'error');
  show(message, 'error');
});

form.hidden = false;
