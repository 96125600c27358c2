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

// What each page sends is an operation of the web app's manifest (schema/clients/kabinet-web),
// named in the page's config by id: the same document the safelist allows, never a copy of it.
const actions = {
  confirmEmail: { input: () => ({ token }), shownEmail: (answer) => answer.user.email },
  resetPassword: { input: passwordInput, shownEmail: () => '' },
  requestPasswordReset: { input: emailInput, shownEmail: (_answer, input) => input.email },
  confirmEReceipts: { input: () => ({ token }), shownEmail: (answer) => answer.subscription.email },
};
const action = actions[config.action];
const { operation } = config;

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
async function callApi(variables) {
  try {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'apollographql-client-name': 'kabinet-web' },
      body: JSON.stringify({
        operationName: operation.name,
        variables,
        extensions: { persistedQuery: { version: 1, sha256Hash: operation.id } },
      }),
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
  const input = action.input();
  if (!input) return;
  form.setAttribute('aria-busy', 'true');
  show(text.working, 'info');
  const { data, code } = await callApi({ input });
  form.removeAttribute('aria-busy');
  if (data) return finish(text.success.replace('{email}', action.shownEmail(data[operation.field], input)), 'success');
  const message = Object.hasOwn(text.errors, code) ? text.errors[code] : text.unexpected;
  if (code === 'WEAK_PASSWORD') return refuse(newPassword, message);
  if (finalErrors.includes(code)) return finish(message, 'error');
  show(message, 'error');
});

form.hidden = false;
