// The budget import's target fields (issue #19), the first user of the column mapper.
import type { TargetCatalogue } from "./targets.js";

/** "cost center|cost centre" → ["cost center", "cost centre"]. */
const words = (list: string) => list.split("|");

/** Department names seen in budgets, EN/NL/FR/DE/ES; a cell matches when it holds one of them. */
const DEPARTMENTS = [
  // en
  ...words(
    "Finance|Accounting|Engineering|Marketing|Sales|HR|Human Resources|People|IT|" +
      "Information Technology|Legal|Operations|Ops|R&D|Research and Development|Research|Development|" +
      "Product|Procurement|Purchasing|Customer Support|Support|Customer Success|Facilities|" +
      "Administration|Admin|Logistics|Manufacturing|Production|Quality|Security|Executive|Management|" +
      "Design|Data|Compliance|Treasury|Communications",
  ),
  // nl
  ...words(
    "Financiën|Boekhouding|Verkoop|Inkoop|Personeelszaken|ICT|Juridische Zaken|Juridisch|Productie|" +
      "Klantenservice|Onderzoek|Ontwikkeling|Directie|Facilitair",
  ),
  // fr
  ...words(
    "Comptabilité|Ventes|Commercial|Achats|Ressources Humaines|RH|Informatique|Juridique|" +
      "Service Client|Recherche|Direction|Logistique|Qualité",
  ),
  // de
  ...words(
    "Finanzen|Buchhaltung|Vertrieb|Einkauf|Personal|Personalabteilung|Rechtsabteilung|Recht|" +
      "Produktion|Entwicklung|Forschung|Forschung und Entwicklung|Kundendienst|Geschäftsführung|" +
      "Verwaltung|Logistik|Qualität",
  ),
  // es
  ...words(
    "Finanzas|Contabilidad|Ingeniería|Mercadotecnia|Mercadeo|Ventas|Compras|Recursos Humanos|RRHH|" +
      "Informática|Tecnología|Sistemas|Legal|Jurídico|Operaciones|Investigación y Desarrollo|" +
      "Producción|Atención al Cliente|Administración|Dirección|Logística|Calidad",
  ),
];

/** The budget import's targets (issue #19): the seed's Budget columns plus an optional cost center. */
export const BUDGET_TARGETS: TargetCatalogue = [
  {
    name: "department",
    kind: "text",
    required: true,
    knownValues: DEPARTMENTS,
    knownValuesLabel: "known departments",
    aliases: {
      en: words("department|dept|dep|division|business unit|bu|team|function|org unit"),
      nl: words("afdeling|divisie|bedrijfsonderdeel"),
      fr: words("département|service|division|direction"),
      de: words("abteilung|bereich|geschäftsbereich|sparte"),
      es: words("departamento|depto|área|división|unidad de negocio"),
    },
  },
  {
    name: "subCategory",
    kind: "text",
    required: true,
    aliases: {
      en: words(
        "sub category|subcategory|category|expense category|cost category|cost type|line item|" +
          "budget line|expense type|account name|account description|gl account name|gl account|account|description|item",
      ),
      nl: words("omschrijving|subcategorie|categorie|kostensoort|kostencategorie|budgetpost|post|rubriek"),
      fr: words("libellé|sous-catégorie|catégorie|rubrique|nature|poste budgétaire|type de dépense"),
      de: words("beschreibung|unterkategorie|kategorie|kostenart|budgetposition|position"),
      es: words("descripción|cuenta|subcategoría|categoría|partida|concepto|tipo de gasto|rubro"),
    },
  },
  {
    name: "fiscalPeriod",
    kind: "period",
    required: true,
    aliases: {
      en: words("fiscal period|period|fiscal year|fy|financial year|month|quarter|budget period|year|fiscal month"),
      nl: words("periode|boekjaar|maand|kwartaal|jaar|boekperiode"),
      fr: words("période|exercice|mois|trimestre|année|exercice fiscal|période comptable"),
      de: words("periode|geschäftsjahr|monat|quartal|jahr|buchungsperiode|zeitraum"),
      es: words("período|ejercicio|ejercicio fiscal|mes|trimestre|año|año fiscal|período fiscal"),
    },
  },
  {
    name: "budgetedAmount",
    kind: "amount",
    required: true,
    aliases: {
      en: words(
        "budgeted amount|budget|budget amount|amount|amt|approved budget|approved amount|allocation|" +
          "allocated|plan|planned amount|total budget|value",
      ),
      nl: words("begroting|begroot bedrag|bedrag|budgetbedrag|goedgekeurd bedrag|toegewezen"),
      fr: words("montant|montant budgété|montant approuvé|budget alloué|enveloppe"),
      de: words("betrag|budgetbetrag|planbetrag|genehmigter betrag|plan|wert|budgetiert"),
      es: words("monto|monto aprobado|importe|presupuesto|monto presupuestado|importe aprobado|asignación|valor"),
    },
  },
  {
    name: "currency",
    kind: "currency",
    required: true,
    aliases: {
      en: words("currency|curr|ccy|currency code|cur"),
      nl: words("valuta|munt|munteenheid"),
      fr: words("devise|monnaie"),
      de: words("währung|währungscode"),
      es: words("moneda|divisa"),
    },
  },
  {
    name: "costCenter",
    kind: "code",
    required: false,
    aliases: {
      en: words("cost center|cost centre|cost center id|cost center code|cc|cost ctr|profit center"),
      nl: words("kostenplaats|kostenplaatscode|kostencentrum"),
      fr: words("centre de coût|centre de coûts|centre de frais|section analytique"),
      de: words("kostenstelle|kostenstellennummer|kst"),
      es: words("centro de costo|centro de costos|centro de coste|cc"),
    },
  },
];
