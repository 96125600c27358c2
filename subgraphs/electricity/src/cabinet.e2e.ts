import {
  describeCabinetAppeals,
  describeCabinetAuthorization,
  describeCabinetBilling,
  describeCabinetBillingChain,
  describeCabinetBills,
  describeCabinetLedger,
  describeCabinetLinking,
  describeCabinetMeterReplacement,
  describeCabinetMeterRules,
  describeCabinetQuote,
  describeCabinetReadings,
} from '@kabinet/utility-core/testing';
import { electricityCabinet } from './testing/e2e';

// The personal cabinet's suites (packages/utility-core/src/testing/cabinet-*.ts), for electricity:
// each boots its own stack at 2 December 2026.
describeCabinetLinking(electricityCabinet);
describeCabinetReadings(electricityCabinet);
describeCabinetMeterReplacement(electricityCabinet);
describeCabinetMeterRules(electricityCabinet);
describeCabinetLedger(electricityCabinet);
describeCabinetBills(electricityCabinet);
describeCabinetAppeals(electricityCabinet);
describeCabinetAuthorization(electricityCabinet);
describeCabinetBilling(electricityCabinet);
describeCabinetBillingChain(electricityCabinet);
describeCabinetQuote(electricityCabinet);
