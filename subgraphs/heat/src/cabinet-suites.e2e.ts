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
import { heatCabinet } from './testing/e2e';

// The personal cabinet's suites (packages/utility-core/src/testing/cabinet-*.ts), for heat & hot water:
// each boots its own stack at 28 November 2026.
describeCabinetLinking(heatCabinet);
describeCabinetReadings(heatCabinet);
describeCabinetMeterReplacement(heatCabinet);
describeCabinetMeterRules(heatCabinet);
describeCabinetLedger(heatCabinet);
describeCabinetBills(heatCabinet);
describeCabinetAppeals(heatCabinet);
describeCabinetAuthorization(heatCabinet);
describeCabinetBilling(heatCabinet);
describeCabinetBillingChain(heatCabinet);
describeCabinetQuote(heatCabinet);
