import { Big } from '@kabinet/money';

/** One premises of a building with a heat meter of its own, or without. */
export interface BuildingPremises {
  accountId: string;
  areaM2: Big;
  /** Heated by its own meter: it pays what its meter measured, and takes no part of the rest. */
  individuallyMetered: boolean;
}

export interface BuildingMonth {
  /** Gcal the building's meter measured in the month. */
  buildingGcal: Big;
  /** Of that, the share that heats the common areas, in basis points. */
  commonAreaShareBasisPoints: number;
  /** Gcal the individually metered premises were billed for the month (as corrected since). */
  meteredGcal: Big;
  /** Of that, what their bills still count on an estimate. */
  meteredEstimatedGcal: Big;
  premises: BuildingPremises[];
}

/** How a building's month was split: what a bill shows so that a household can check its share. */
export interface ApportionmentBasis {
  /** Gcal the building's meter measured in the month. */
  buildingGcal: Big;
  commonAreaShareBasisPoints: number;
  /** Gcal of the common areas (the share of the building's), to three decimals. */
  commonGcal: Big;
  /** Gcal the individually metered premises were billed for the month, and how much of it is an estimate. */
  meteredGcal: Big;
  meteredEstimatedGcal: Big;
  /** Gcal left for the premises without a meter (never below zero), to three decimals. */
  restGcal: Big;
  /** Heated area of all premises (the common areas' split) and of those without a meter (the rest's). */
  allAreaM2: Big;
  unmeteredAreaM2: Big;
}

/** One premises' part of a building's month, in Gcal to three decimals. */
export interface Apportioned {
  basis: ApportionmentBasis;
  /** Its share, by area, of what the premises without their own meter used. */
  ownGcal: Big;
  /** Its share, by area, of the heat of the common areas. */
  commonGcal: Big;
}

const gcal = (value: Big) => value.round(3, Big.roundHalfUp);

/**
 * A building's measured heat split among its premises (the Methodology of distribution, Order
 * No. 315 of 2018, as simplified for Kabinet): the common areas' share is split by heated area
 * among all premises; what is left after the individually metered premises' own consumption (as
 * their bills charge it) is split by heated area among the premises without a meter. A building whose metered premises
 * used more than is left (meters read at different moments) leaves nothing to split, never a
 * negative share.
 */
export function apportion(month: BuildingMonth): Map<string, Apportioned> {
  const common = month.buildingGcal.times(month.commonAreaShareBasisPoints).div(10_000);
  const metered = month.meteredGcal;
  const remaining = month.buildingGcal.minus(common).minus(metered);
  const rest = remaining.gt(0) ? remaining : new Big(0);
  const allArea = month.premises.reduce((sum, premises) => sum.plus(premises.areaM2), new Big(0));
  const unmeteredArea = month.premises.filter((premises) => !premises.individuallyMetered).reduce((sum, premises) => sum.plus(premises.areaM2), new Big(0));

  const basis: ApportionmentBasis = {
    buildingGcal: month.buildingGcal,
    commonAreaShareBasisPoints: month.commonAreaShareBasisPoints,
    commonGcal: gcal(common),
    meteredGcal: metered,
    meteredEstimatedGcal: month.meteredEstimatedGcal,
    restGcal: gcal(rest),
    allAreaM2: allArea,
    unmeteredAreaM2: unmeteredArea,
  };

  return new Map(
    month.premises.map((premises) => [
      premises.accountId,
      {
        basis,
        ownGcal: premises.individuallyMetered || unmeteredArea.eq(0) ? new Big(0) : gcal(rest.times(premises.areaM2).div(unmeteredArea)),
        commonGcal: allArea.eq(0) ? new Big(0) : gcal(common.times(premises.areaM2).div(allArea)),
      },
    ]),
  );
}
