-- 0012_targeting: what advisory targeting (issue 14, src/advisory/target.c)
-- reads by index instead of scanning.
--
-- Product assets by value: a CPE-form product asset
-- ("cpe:2.3:o:mikrotik:routeros:6.42.1:... count=40") is found by the range
-- of its part:vendor:product prefix, and free-text ones by the ranges
-- either side of "cpe:2.3:", so a preview reads the few assets of the
-- advisory's products, not the 100,000 of the constituency.
CREATE INDEX asset_product_value ON asset(value) WHERE type = 'product';
