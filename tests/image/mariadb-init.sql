-- Run once by the MariaDB image of compose.yaml when its volume is new (after
-- it made the user cp and the database customerprofile): lets cp create and
-- drop the cp_* databases the MySQL test variants make, as scripts/mariadb.sh
-- does for the private test server, and makes their default database.
GRANT ALL PRIVILEGES ON `cp\_%`.* TO 'cp'@'%';
CREATE DATABASE IF NOT EXISTS cp_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
