/** Identity's operations as the apps send them: one document each, shared by the e2e suites. */
export const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { email } }`;
export const CONFIRM = `mutation($input: ConfirmEmailInput!) { confirmEmail(input: $input) { user { email emailConfirmed pendingEmail } } }`;
export const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken accessTokenExpiresAt user { id email } } }`;
export const REFRESH = `mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken refreshToken } }`;
export const LOGOUT = `mutation($input: LogoutInput!) { logout(input: $input) { ok } }`;
export const REQUEST_RESET = `mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { ok } }`;
export const RESET = `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { ok } }`;
export const CHANGE_PASSWORD = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken refreshToken } }`;
export const UPDATE_PROFILE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { user { email pendingEmail phone displayName } } }`;
export const DEACTIVATE = `mutation($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { ok } }`;
export const ME = `{ me { id email displayName phone emailConfirmed role } }`;
