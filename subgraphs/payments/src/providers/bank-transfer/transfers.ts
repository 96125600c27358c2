import type { CheckoutItemRow } from '../../checkout/service';
import { nbuLinkOf, nbuQrData, type NbuTransferRequest } from './nbu-qr';

/** One item's transfer, as the payer is given it on the page and through the API. */
export interface TransferDetails {
  recipient: string;
  recipientCode: string;
  iban: string;
  amountMinor: number;
  currency: string;
  purpose: string;
  reference: string;
  qrLink: string;
  receivedMinor: number;
}

const paidFor: Record<string, string> = {
  electricity: 'оплата за електроенергію',
  heat: 'оплата за теплопостачання та гарячу воду',
};

/**
 * The transfer's purpose, in Ukrainian as Ukrainian payments are: the account number first, as
 * suppliers read it, then the reference while the purpose is short enough that no bank cuts it.
 */
export function transferPurpose(item: Pick<CheckoutItemRow, 'utility' | 'accountNumber' | 'transferReference'>): string {
  return `о/р ${item.accountNumber}, ${item.transferReference}, ${paidFor[item.utility] ?? 'оплата комунальних послуг'}`;
}

type Payee = { recipient: string; recipientCode: string; iban: string };

/** What the NBU's QR code of an item's transfer to `payee` holds. */
function transferRequest(item: Pick<CheckoutItemRow, 'utility' | 'accountNumber' | 'amountMinor'>, payee: Payee, reference: string): NbuTransferRequest {
  const purpose = transferPurpose({ ...item, transferReference: reference });
  return { recipient: payee.recipient, iban: payee.iban, recipientCode: payee.recipientCode, amountMinor: item.amountMinor, currency: 'UAH', purpose };
}

/**
 * Why a supplier's bank account cannot take an item's transfer (an IBAN or code mistyped into
 * `bank_accounts`, an amount past the NBU's limit); null when it can.
 */
export function transferProblem(item: Pick<CheckoutItemRow, 'utility' | 'accountNumber' | 'amountMinor'>, payee: Payee): string | null {
  try {
    // Any reference will do: each is as long as every other.
    nbuQrData(transferRequest(item, payee, 'KB0000000000'));
    return null;
  } catch (error) {
    if (error instanceof RangeError) return error.message;
    throw error;
  }
}

/** The item's transfer, or null when it is not paid by bank transfer (or not confirmed yet). */
export function transferOf(item: CheckoutItemRow, checkoutCurrency: string | null): TransferDetails | null {
  const currency = item.currency ?? checkoutCurrency;
  // Only hryvnia transfers are ever given (the provider takes no other currency).
  if (!item.transferReference || !item.transferIban || !item.transferRecipient || !item.transferRecipientCode || currency !== 'UAH') return null;
  const request = transferRequest(item, { recipient: item.transferRecipient, recipientCode: item.transferRecipientCode, iban: item.transferIban }, item.transferReference);
  // The words shown beside the QR code are those it holds (the NBU's rule), cut as it cuts them.
  const shown = nbuQrData(request);
  return {
    recipient: shown.recipient,
    recipientCode: shown.recipientCode,
    iban: shown.iban,
    amountMinor: item.amountMinor,
    currency,
    purpose: shown.purpose,
    reference: item.transferReference,
    qrLink: nbuLinkOf(shown),
    receivedMinor: item.receivedMinor,
  };
}
