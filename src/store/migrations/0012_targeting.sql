-- 0012_targeting: what advisory targeting (issue 14, src/advisory/target.c)
-- reads by index instead of scanning; the benchmark (`scripts/bench
-- advisories`: 10,000 organisations, 100,000 product assets, 5,000,000 host
-- products) must preview in < 200 ms.
--
-- Product assets by value: a CPE-form product asset
-- ("cpe:2.3:o:mikrotik:routeros:6.42.1:... count=40") is found by the range
-- of its part:vendor:product prefix, and free-text ones by the ranges
-- either side of "cpe:2.3:", so a preview reads the assets of the
-- advisory's products, not the constituency's 100,000; org_id in the index
-- (and the rowid, the asset's id) answer the read without the table.
CREATE INDEX asset_product_value ON asset(value, org_id) WHERE type = 'product';

-- Host products of a vendor and product, with what targeting shows of each
-- (version, last seen): a covering index, so the 30,000 RouterOS rows of
-- 5,000,000 are read from one place instead of 30,000 look-ups in the
-- table. It leads with 0011's host_product_vp's columns and the primary
-- key's, so it also seeks one organisation's rows of a product (publishing
-- and verification ask that per target) and gives them in (org, ip, port)
-- order; it replaces host_product_vp.
CREATE INDEX host_product_vpv ON host_product(vendor, product, org_id, ip, port, type, version,
                                              last_ms);
DROP INDEX host_product_vp;

-- Exposures: 0011's partial index is used only by a query that says
-- "exposure <> ''" itself (a bound value cannot prove it); this one
-- covers what targeting reads, for the few rows that have an exposure.
CREATE INDEX host_product_exposed ON host_product(exposure, version, last_ms)
	WHERE exposure <> '';
